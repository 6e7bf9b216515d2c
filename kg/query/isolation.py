"""Cut a process off from the network: the query workers call :func:`isolate` at start-up.

pyoxigraph evaluates ``SERVICE`` by making the HTTP request itself, so the query guard's
refusal is only the first line.  The second is that the process running queries cannot
reach any network at all, whatever the query says.  Two layers, each applied when the
kernel allows it (Linux only):

``netns``
    ``unshare(CLONE_NEWNET)``: the process moves to a new, empty network namespace (just
    a loopback interface that is down), so no address, loopback included, is reachable.
    Needs ``CAP_SYS_ADMIN`` (root, as in a container); otherwise ``CLONE_NEWUSER`` is
    tried with it, which unprivileged users may do where the kernel permits user
    namespaces.
``seccomp``
    a seccomp-BPF filter (``PR_SET_NO_NEW_PRIVS`` + ``SECCOMP_MODE_FILTER``, no privilege
    needed) under which ``socket()`` fails with ``EPERM`` for every address family except
    ``AF_UNIX``, ``io_uring_setup()`` fails likewise (its operations bypass the socket
    filter), and system calls of a foreign ABI (i386 or x32 on x86_64) all fail.  System
    call numbers are those of x86_64 and aarch64; on another architecture this layer is
    not applied.

The socket pair the worker talks to its pool over is already open (and ``AF_UNIX``), so
neither layer gets in its way.  The filter is inherited by any thread the engine starts
later (``SECCOMP_FILTER_FLAG_TSYNC`` is not needed: it is installed before the store opens).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import struct
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1
AF_UNIX = 1
# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
_NR, _ARCH, _ARG0 = 0, 4, 16
# BPF opcodes (linux/filter.h)
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
X32_SYSCALL_BIT = 0x40000000

# AUDIT_ARCH_* and the numbers of socket(2) and io_uring_setup(2), per architecture.
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def socket_filter(machine: str) -> bytes | None:
    """The BPF program for ``machine`` (``platform.machine()``), or None if unknown.

    >>> len(socket_filter("x86_64")) // 8, socket_filter("riscv64")
    (12, None)
    """
    if machine not in _ARCHES:
        return None
    audit_arch, nr_socket, nr_io_uring_setup = _ARCHES[machine]
    deny = _insn(_RET_K, SECCOMP_RET_ERRNO | EPERM)
    allow = _insn(_RET_K, SECCOMP_RET_ALLOW)
    program = [
        _insn(_LD_W_ABS, _ARCH),
        _insn(_JEQ_K, audit_arch, jt=1),  # 1: a foreign ABI ...
        deny,                             # 2: ... gets EPERM for every call
        _insn(_LD_W_ABS, _NR),
        _insn(_JGE_K, X32_SYSCALL_BIT, jt=6),  # 4: x32 calls on x86_64 → deny (11)
        _insn(_JEQ_K, nr_io_uring_setup, jt=5),  # 5 → deny (11)
        _insn(_JEQ_K, nr_socket, jt=1),          # 6 → 8
        allow,                                   # 7
        _insn(_LD_W_ABS, _ARG0),                 # 8: the address family (low 32 bits)
        _insn(_JEQ_K, AF_UNIX, jf=1),            # 9: AF_UNIX → 10, else → 11
        allow,                                   # 10
        deny,                                    # 11
    ]
    return b"".join(program)


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


def _new_network_namespace(libc: ctypes.CDLL) -> bool:
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    return bool(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)


def _install_socket_filter(libc: ctypes.CDLL) -> bool:
    program = socket_filter(platform.machine())
    if program is None:
        return False

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    prog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_char_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0)


def isolate() -> tuple[str, ...]:
    """Apply every layer this kernel permits to the calling process; return their names.

    Irreversible for the process.  An empty answer means neither layer could be applied
    (not Linux, or a kernel or container that refuses both): the caller must then not run
    queries (see ``kg.query.worker``).
    """
    libc = _libc()
    if libc is None:
        return ()
    layers = []
    if _new_network_namespace(libc):
        layers.append("netns")
    if _install_socket_filter(libc):
        layers.append("seccomp")
    return tuple(layers)
