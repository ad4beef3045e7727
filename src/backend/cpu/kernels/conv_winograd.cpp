// Winograd F(2x2, 3x3) (see conv_winograd.h). With the transforms
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]   A^T = [1 1 1 0; 0 1 -1
//   -1]
// a 2x2 output tile is A^T [(G k G^T) . (B^T d B)] A, summed over input channels; the sum over channels of the 16
// elementwise products is 16 GEMMs: M[e] (Cout, tiles) = U[e] (Cout, Cin) @ V[e] (Cin, tiles).
// Images go in fixed blocks (set by the shape alone, so no result depends on the thread count); a block's transformed
// inputs V and products M stay in cache between the three steps.
#include "backend/cpu/kernels/conv_winograd.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/gemm.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

bool winograd_applies(const backend::Conv2dGeom& g) {
  constexpr int64_t kMinChannels = 8;
  return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.groups == 1 &&
         g.C >= kMinChannels && g.O >= kMinChannels;
}

namespace {

// U[e][co][ci] = (G k G^T)[e] for the 3x3 kernel k of output channel co and input channel ci, e = 4 * row + column.
template <typename T>
void transform_weights(const Winograd3x3& q, const T* w, T* U) {
  const int64_t plane = q.Cout * q.Cin;
  const T h = T(0.5);
  for (int64_t co = 0; co < q.Cout; ++co)
    for (int64_t ci = 0; ci < q.Cin; ++ci) {
      const T* k = w + (co * q.Cin + ci) * 9;  // k[3 * row + column]
      T gk[4][3];                              // G k
      for (int j = 0; j < 3; ++j) {
        gk[0][j] = k[j];
        gk[1][j] = (k[j] + k[3 + j] + k[6 + j]) * h;
        gk[2][j] = (k[j] - k[3 + j] + k[6 + j]) * h;
        gk[3][j] = k[6 + j];
      }
      T* u = U + co * q.Cin + ci;
      for (int i = 0; i < 4; ++i) {  // (G k) G^T
        u[(4 * i + 0) * plane] = gk[i][0];
        u[(4 * i + 1) * plane] = (gk[i][0] + gk[i][1] + gk[i][2]) * h;
        u[(4 * i + 2) * plane] = (gk[i][0] - gk[i][1] + gk[i][2]) * h;
        u[(4 * i + 3) * plane] = gk[i][2];
      }
    }
}

struct Tiles {
  int64_t rows, cols;  // tiles per image: ceil(OH / 2) x ceil(OW / 2)
  int64_t per_image() const { return rows * cols; }
  int64_t padded_h() const { return 2 * rows + 2; }  // the input rows the tiles read
  int64_t padded_w() const { return 2 * cols + 2; }
};

// P (Hp, Wp) = the input plane shifted by the padding, zero outside it.
template <typename T>
void pad_plane(const T* src, const Winograd3x3& q, const Tiles& tl, T* P) {
  const int64_t Hp = tl.padded_h(), Wp = tl.padded_w();
  const int64_t x0 = std::min(q.pw, Wp), x1 = std::min(q.pw + q.W, Wp);
  for (int64_t y = 0; y < Hp; ++y) {
    T* row = P + y * Wp;
    const int64_t sy = y - q.ph;
    if (sy < 0 || sy >= q.H) {
      std::fill(row, row + Wp, T(0));
      continue;
    }
    std::fill(row, row + x0, T(0));
    std::memcpy(row + x0, src + sy * q.W, sizeof(T) * size_t(x1 - x0));
    std::fill(row + x1, row + Wp, T(0));
  }
}

// V[e][., t0 + tile] = (B^T d B)[e] for every tile d of the padded plane P; es is the distance between two e.
// Separably: first each padded row's d B for every tile column (H, a few scalar operations per row), then B^T (d B)
// over all the image's tiles at once, which vectorizes. H keeps the even rows, then the odd ones: the rows 2th..2th+3
// of tile row th are even th, odd th, even th + 1, odd th + 1, so each of the four is one contiguous run of tiles.
template <typename T>
void transform_input(const T* __restrict P, const Tiles& tl, T* __restrict H, T* __restrict v, int64_t es) {
  const int64_t Wp = tl.padded_w(), c = tl.cols, slots = tl.rows + 1, hs = 2 * slots * c, n = tl.per_image();
  for (int64_t y = 0; y < tl.padded_h(); ++y) {
    const T* r = P + y * Wp;
    T* h = H + ((y % 2) * slots + y / 2) * c;
    for (int64_t tw = 0; tw < c; ++tw) {
      const T d0 = r[2 * tw], d1 = r[2 * tw + 1], d2 = r[2 * tw + 2], d3 = r[2 * tw + 3];
      h[tw] = d0 - d2;
      h[hs + tw] = d1 + d2;
      h[2 * hs + tw] = d2 - d1;
      h[3 * hs + tw] = d1 - d3;
    }
  }
  for (int64_t k = 0; k < 4; ++k) {
    const T* even = H + k * hs;
    const T* odd = even + slots * c;
    const T* even1 = even + c;
    const T* odd1 = odd + c;
    T* v0 = v + k * es;
    T* v1 = v + (4 + k) * es;
    T* v2 = v + (8 + k) * es;
    T* v3 = v + (12 + k) * es;
    for (int64_t t = 0; t < n; ++t) {
      v0[t] = even[t] - even1[t];
      v1[t] = odd[t] + even1[t];
      v2[t] = even1[t] - odd[t];
      v3[t] = odd[t] - odd1[t];
    }
  }
}

// Y[2a + b][tile] = (A^T m A)[a][b] for every tile's 16 products m (m[e] at m + e * es + tile); S holds A^T m. Both
// steps run over all the image's tiles at once.
template <typename T>
void transform_output(const T* __restrict m, int64_t es, const Tiles& tl, T* __restrict S, T* __restrict Y) {
  const int64_t n = tl.per_image();
  for (int64_t k = 0; k < 4; ++k) {
    const T* m0 = m + k * es;
    const T* m1 = m + (4 + k) * es;
    const T* m2 = m + (8 + k) * es;
    const T* m3 = m + (12 + k) * es;
    T* s0 = S + k * n;
    T* s1 = S + (4 + k) * n;
    for (int64_t t = 0; t < n; ++t) {
      s0[t] = m0[t] + m1[t] + m2[t];
      s1[t] = m1[t] - m2[t] - m3[t];
    }
  }
  for (int64_t a = 0; a < 2; ++a) {
    const T* s = S + 4 * a * n;
    T* y0 = Y + 2 * a * n;
    T* y1 = y0 + n;
    for (int64_t t = 0; t < n; ++t) {
      y0[t] = s[t] + s[n + t] + s[2 * n + t];
      y1[t] = s[n + t] - s[2 * n + t] - s[3 * n + t];
    }
  }
}

// out (OH, OW) = the output tiles Y (plus bias): output (oh, ow) is element (oh % 2, ow % 2) of tile (oh / 2, ow / 2).
template <typename T>
void untile(const T* Y, const Tiles& tl, int64_t OH, int64_t OW, T bias, T* out) {
  const int64_t n = tl.per_image();
  for (int64_t oh = 0; oh < OH; ++oh) {
    const T* y0 = Y + 2 * (oh % 2) * n + (oh / 2) * tl.cols;
    const T* y1 = y0 + n;
    T* o = out + oh * OW;
    for (int64_t ow = 0; ow + 1 < OW; ow += 2) {
      o[ow] = y0[ow / 2] + bias;
      o[ow + 1] = y1[ow / 2] + bias;
    }
    if (OW % 2) o[OW - 1] = y0[OW / 2] + bias;
  }
}

// Images per block: about 200 tiles, enough columns for the GEMMs to run at full speed.
int64_t images_per_block(const Tiles& tl) { return std::clamp<int64_t>(200 / tl.per_image(), 1, 16); }

}  // namespace

template <typename T>
void winograd_conv3x3(const Winograd3x3& q, const T* x, const T* w, const T* b, T* out) {
  const Tiles tl{(q.OH + 1) / 2, (q.OW + 1) / 2};
  const int64_t tpi = tl.per_image(), B = images_per_block(tl), blocks = (q.N + B - 1) / B;
  Scratch<T> U(16 * q.Cout * q.Cin);
  transform_weights(q, w, U.data());
  const bool parallel = q.N > 1 && q.N * q.Cout * q.Cin * 9 * q.OH * q.OW >= (int64_t(1) << 20);
  parallel_chunks(blocks, parallel ? 1 : blocks, [&](int64_t b0, int64_t b1) {
    const int64_t tmax = B * tpi;
    Scratch<T> V(16 * q.Cin * tmax), M(16 * q.Cout * tmax), P(tl.padded_h() * tl.padded_w()),
        H(8 * (tl.rows + 1) * tl.cols), S(8 * tpi), Y(4 * tpi);
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t n0 = blk * B, n1 = std::min(q.N, n0 + B), tn = (n1 - n0) * tpi;
      for (int64_t n = n0; n < n1; ++n)
        for (int64_t ci = 0; ci < q.Cin; ++ci) {
          pad_plane(x + (n * q.Cin + ci) * q.H * q.W, q, tl, P.data());
          transform_input(P.data(), tl, H.data(), V.data() + ci * tn + (n - n0) * tpi, q.Cin * tn);
        }
      for (int64_t e = 0; e < 16; ++e)
        gemm<T>(false, false, q.Cout, tn, q.Cin, T(1), U.data() + e * q.Cout * q.Cin, q.Cin, V.data() + e * q.Cin * tn,
                tn, T(0), M.data() + e * q.Cout * tn, tn);
      for (int64_t n = n0; n < n1; ++n)
        for (int64_t co = 0; co < q.Cout; ++co) {
          transform_output(M.data() + co * tn + (n - n0) * tpi, q.Cout * tn, tl, S.data(), Y.data());
          // Without a bias this adds 0, which changes nothing but a -0 into +0.
          untile(Y.data(), tl, q.OH, q.OW, b ? b[co] : T(0), out + (n * q.Cout + co) * q.OH * q.OW);
        }
    }
  });
}

template void winograd_conv3x3<float>(const Winograd3x3&, const float*, const float*, const float*, float*);
template void winograd_conv3x3<double>(const Winograd3x3&, const double*, const double*, const double*, double*);

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
