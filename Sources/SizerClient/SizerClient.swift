import Foundation
import SizerCore
import SizerProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A blocking client for `sizerd`: one connection, one call at a time (calls from several threads
/// are serialized). Errors the daemon answers are thrown as `RPCError`.
public final class SizerClient: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1
    public let endpoint: String

    /// Connects to a Unix socket.
    public init(socketPath: String) throws {
        endpoint = socketPath
        fd = try Self.connectUnix(socketPath)
    }

    /// Connects to a TCP listener and authenticates with the token.
    public init(host: String, port: Int, token: String) throws {
        endpoint = "\(host):\(port)"
        fd = try Self.connectTCP(host: host, port: port)
        _ = try hello(token: token)
    }

    deinit { Glibc.close(fd) }

    /// Negotiates the protocol version (and authenticates on TCP).
    public func hello(token: String? = nil, client: String = "sizer \(SizerVersion.current)") throws -> Hello.Result {
        try call(Hello.self, Hello.Params(client: client, token: token))
    }

    /// Calls a method and waits for its response; notifications arriving meanwhile go to `onNotification`.
    public func call<M: RPCMethod>(_ method: M.Type, _ params: M.Params,
                                   onNotification: (RPCNotification) throws -> Void = { _ in }) throws -> M.Result {
        lock.lock()
        defer { lock.unlock() }
        let id = RPCID.number(nextID)
        nextID += 1
        let request = TypedRequest(id: id, method: M.name, params: params)
        var line = try SizerJSON.encoder().encode(request)
        line.append(0x0A)
        try writeAll(Array(line))
        while true {
            let data = try readLine()
            // Typed decoding straight from the line: no intermediate JSON tree (which costs
            // milliseconds on a turn's worth of numbers).
            let envelope: Envelope
            do {
                envelope = try SizerJSON.decoder().decode(Envelope.self, from: data)
            } catch {
                throw ClientError("the daemon sent an unreadable line: \(error)")
            }
            if envelope.id == nil, envelope.method != nil {
                try onNotification(try SizerJSON.decoder().decode(RPCNotification.self, from: data))
                continue
            }
            guard envelope.id == id else { continue }
            if let error = envelope.error { throw error }
            do {
                return try SizerJSON.decoder().decode(ResultEnvelope<M.Result>.self, from: data).result
            } catch {
                throw ClientError("unreadable result of \(M.name): \(error)")
            }
        }
    }

    /// The parts of a line that say what it is.
    private struct Envelope: Decodable {
        var id: RPCID?
        var method: String?
        var error: RPCError?
    }

    private struct ResultEnvelope<Result: Decodable>: Decodable {
        var result: Result
    }

    // MARK: Socket plumbing

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ClientError("lost the connection to sizerd at \(endpoint): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    private func readLine() throws -> Data {
        var searched = 0
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let line = Data(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            searched = buffer.count
            guard buffer.count <= ProtocolLimits.maxResponseLineBytes else {
                throw ClientError("a response line exceeded \(ProtocolLimits.maxResponseLineBytes) bytes")
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ClientError("lost the connection to sizerd at \(endpoint): \(String(cString: strerror(errno)))")
            }
            if count == 0 { throw ClientError("sizerd at \(endpoint) closed the connection") }
            buffer += chunk[..<count]
        }
    }

    static func connectUnix(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket(): \(String(cString: strerror(errno)))") }
        guard let address = UnixSocketAddress(path: path) else {
            Glibc.close(fd)
            throw ClientError("socket path too long: \(path)")
        }
        let result = address.withSockaddr { connect(fd, $0, $1) }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ClientError("cannot connect to sizerd at \(path): \(reason) (is it running? start it with `sizerd --socket \(path)`)")
        }
        return fd
    }

    static func connectTCP(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw ClientError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket(): \(String(cString: strerror(errno)))") }
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ClientError("cannot connect to sizerd at \(host):\(port): \(reason)")
        }
        return fd
    }
}

/// A client-side failure: no daemon, a lost connection, an unreadable reply.
public struct ClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
