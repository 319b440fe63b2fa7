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
        var line = try request.lineBytes()
        line.append(0x0A)
        try writeAll(line)
        while true {
            let data = try readLine()
            // The per-turn reply has a hand-written reader; anything it does not expect (an error,
            // a notification, another id) is read again by the decoder below.
            if let readable = M.Result.self as? any JSONReadable.Type,
               let result = Self.quickResult(readable, answering: id, in: data) as? M.Result {
                return result
            }
            // One typed decode of the whole line: no intermediate JSON tree (which cost milliseconds
            // on a turn's worth of numbers), and the line is parsed once.
            let response: Response<M.Result>
            do {
                let decoder = SizerJSON.decoder()
                decoder.userInfo[Response<M.Result>.expectedID] = id
                response = try decoder.decode(Response<M.Result>.self, from: data)
            } catch {
                throw ClientError("unreadable reply to \(M.name): \(error)")
            }
            if response.id == nil, response.method != nil {
                try onNotification(try SizerJSON.decoder().decode(RPCNotification.self, from: data))
                continue
            }
            guard response.id == id else { continue }
            if let error = response.error { throw error }
            guard let result = response.result else {
                throw ClientError("the reply to \(M.name) has neither a result nor an error")
            }
            return result
        }
    }

    /// The result of a response line `{"id": id, "jsonrpc": "2.0", "result": ...}` with the id
    /// before the result (as sizerd writes it), or nil for any other line.
    private static func quickResult(_ type: any JSONReadable.Type, answering id: RPCID, in data: Data) -> (any JSONReadable)? {
        struct NotQuick: Error {}
        guard case .number(let expected) = id else { return nil }
        var reader = JSONReader(Array(data))
        var matched = false
        var result: (any JSONReadable)?
        do {
            try reader.object { reader, key in
                switch key {
                case "id":
                    guard !reader.readNull(), try reader.int() == Int(expected) else { throw NotQuick() }
                    matched = true
                case "jsonrpc": try reader.skipValue()
                case "result" where matched: result = try type.init(from: &reader)
                default: throw NotQuick()
                }
            }
        } catch {
            return nil
        }
        return result
    }

    /// Any line the daemon sends: a response (id with result or error) or a notification (method,
    /// no id). `result` is read only when the line answers this call (its id is in the decoder's
    /// `userInfo`): a notification's params or an earlier call's late answer have other types.
    private struct Response<Result: Decodable>: Decodable {
        var id: RPCID?
        var method: String?
        var error: RPCError?
        var result: Result?

        static var expectedID: CodingUserInfoKey { CodingUserInfoKey(rawValue: "sizer.expectedID")! }
        private enum Keys: String, CodingKey { case id, method, error, result }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            id = try container.decodeIfPresent(RPCID.self, forKey: .id)
            method = try container.decodeIfPresent(String.self, forKey: .method)
            error = try container.decodeIfPresent(RPCError.self, forKey: .error)
            let answersThisCall = id != nil && id == decoder.userInfo[Self.expectedID] as? RPCID
            result = answersThisCall && error == nil ? try container.decodeIfPresent(Result.self, forKey: .result) : nil
        }
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
