#pragma once
// Thread-locals read on every op (grad mode, the running node, the pool's "in a task" flag) use the initial-exec
// TLS model: a plain %fs-relative load instead of a __tls_get_addr call per access, which is what a shared library
// otherwise pays. It takes a few bytes of the static TLS block that glibc reserves for libraries loaded later
// (dlopen), which these variables fit in many times over.
#define NABLA_FAST_TLS __attribute__((tls_model("initial-exec")))
