/// A JSON-RPC error object: what a failed request answers.
public struct RPCError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(_ code: RPCErrorCode, _ message: String, data: JSONValue? = nil) {
        self.code = code.rawValue
        self.message = message
        self.data = data
    }

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var kind: RPCErrorCode? { RPCErrorCode(rawValue: code) }
    public var description: String { "\(message) (code \(code))" }
}

/// The standard JSON-RPC codes and Sizer's own (-32001 ... -32099 are reserved for servers).
public enum RPCErrorCode: Int, Codable, Sendable, CaseIterable {
    /// Not valid JSON, or a line longer than the limit.
    case parseError = -32700
    /// Valid JSON but not a request object.
    case invalidRequest = -32600
    case methodNotFound = -32601
    /// Missing, wrongly typed or out-of-range parameters.
    case invalidParams = -32602
    /// A bug or an environment failure in the daemon; the request may be retried.
    case internalError = -32603
    /// The job, circuit or checkpoint does not exist.
    case notFound = -32001
    /// The request conflicts with the job's state: not leased to you, turn out of order, already finished.
    case conflict = -32002
    /// The candidates would take the job past its simulation budget.
    case budgetExceeded = -32003
    /// TCP connections must send the token in `hello` before anything else.
    case unauthorized = -32004
    /// The client speaks a protocol version the daemon does not.
    case unsupportedVersion = -32005
    /// The daemon is shutting down and accepts no new work.
    case shuttingDown = -32006
    /// Too many connections, or too many long requests in flight on one connection; retry later.
    case overloaded = -32007
    /// The run log cannot be written (disk full, file size limit, read-only file or file system, I/O
    /// error): the request was not recorded. Reads still work; retry once the storage is writable.
    case storageUnavailable = -32008
    /// The job was cancelled: its agent stops working on it (nothing of the refused turn was recorded).
    case jobCancelled = -32009
}

/// An error that knows its wire form; the daemon applies it in one place.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    public var rpcError: RPCError { self }
}
