#include "progress.h"

#include <cmath>
#include <string>

namespace nabla::cli {

void format_duration(double seconds, char* out, size_t size) {
  const int64_t s = seconds > 0 && std::isfinite(seconds) ? static_cast<int64_t>(seconds + 0.5) : 0;
  if (s >= 3600)
    std::snprintf(out, size, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else
    std::snprintf(out, size, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
}

ProgressBar::ProgressBar(int64_t epoch, int64_t epochs, int64_t batches, bool enabled)
    : epoch_(epoch), epochs_(epochs), batches_(batches), enabled_(enabled),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(int64_t batch, int64_t samples, double mean_loss) {
  samples_ += samples;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most 10 times a second, and always on the last batch.
  if (batch != batches_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? samples_ / elapsed : 0;
  const double eta = batch > 0 ? elapsed * (batches_ - batch) / batch : 0;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(kWidth * batch / std::max<int64_t>(batches_, 1));
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  char eta_text[32];
  format_duration(eta, eta_text, sizeof eta_text);
  std::fprintf(stderr, "\r\033[Kepoch %lld/%lld [%s] %lld/%lld loss %.4f %.0f samples/s ETA %s",
               static_cast<long long>(epoch_), static_cast<long long>(epochs_), bar.c_str(),
               static_cast<long long>(batch), static_cast<long long>(batches_), mean_loss, rate, eta_text);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace nabla::cli
