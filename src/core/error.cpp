// The out-of-line half of nabla::detail::concat (include/nabla/core/error.h): its std::ostringstream.
#include "nabla/core/error.h"

#include <sstream>

namespace nabla::detail {

MessageStream::MessageStream() : os_(new std::ostringstream) {}
MessageStream::~MessageStream() { delete os_; }
std::string MessageStream::str() const { return static_cast<std::ostringstream*>(os_)->str(); }

}  // namespace nabla::detail
