import Glibc

/// A `sockaddr_un` filled from a path: the one place that copies a path into one.
public struct UnixSocketAddress {
    private var address = sockaddr_un()
    /// The length to pass with it.
    public let length: socklen_t

    /// Nil when the path does not fit. `abstract`: Linux's abstract namespace (a leading NUL byte and
    /// no terminator, as in systemd's `@` notify sockets).
    public init?(path: String, abstract: Bool = false) {
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = (abstract ? [0] : []) + Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        length = abstract ? socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
                          : socklen_t(MemoryLayout<sockaddr_un>.size)
    }

    /// Calls `body` with the address as the `sockaddr` pointer `connect`, `bind` and `sendto` take.
    public func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
