import Foundation
import SizerCore

/// `sd_notify` without libsystemd: one datagram to `$NOTIFY_SOCKET`. A no-op when not run by systemd.
public enum SystemdNotify {
    @discardableResult
    public static func send(_ state: String) -> Bool {
        guard var path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty else { return false }
        // An abstract socket is named with a leading '@' and addressed with a leading NUL.
        let abstract = path.hasPrefix("@")
        if abstract { path.removeFirst() }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let address = UnixSocketAddress(path: path, abstract: abstract) else { return false }
        let message = Array(state.utf8)
        let sent = address.withSockaddr { socketAddress, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, socketAddress, length) }
        }
        return sent == message.count
    }
}
