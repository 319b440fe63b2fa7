/// A method of the protocol: its wire name and the types of its params and result.
/// Clients call it by type; the daemon registers a handler per type.
public protocol RPCMethod {
    associatedtype Params: Codable & Sendable
    associatedtype Result: Codable & Sendable
    static var name: String { get }
}

/// Params of methods that take none.
public struct NoParams: Codable, Sendable, Hashable {
    public init() {}
}

/// The optimizers `jobs.submit` accepts (served by `sizer-agent`).
public enum OptimizerNames {
    public static let all = ["tlgrpo", "grpo", "bo", "random"]
}
