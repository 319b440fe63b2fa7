import Foundation
import Logging
import SizerCore
import SizerProtocol

/// Per-connection facts the dispatcher needs.
public actor ConnectionSession {
    /// TCP connections must authenticate with the token in `hello` first.
    public private(set) var authenticated: Bool
    let requiredToken: String?
    /// Circuits this connection has registered (`circuits.register` caps it).
    public private(set) var registrations = 0

    public init(requiredToken: String?) {
        self.requiredToken = requiredToken
        authenticated = requiredToken == nil
    }

    func countRegistration() { registrations += 1 }

    func authenticate(token: String?) -> Bool {
        guard let requiredToken else { return true }
        // A later hello with a wrong token fails but does not log out the connection.
        if authenticated { return constantTimeEqual(token ?? "", requiredToken) }
        authenticated = constantTimeEqual(token ?? "", requiredToken)
        return authenticated
    }

    private func constantTimeEqual(_ token: String, _ requiredToken: String) -> Bool {
        // Compare in constant time: the token guards a network port.
        let a = Array(token.utf8), b = Array(requiredToken.utf8)
        var difference = a.count ^ b.count
        for index in 0..<max(a.count, b.count) {
            difference |= Int((index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0))
        }
        return difference == 0
    }
}

/// Turns one request line into at most one response, sending stream notifications on the way.
/// The one place where errors get their wire form.
public struct Dispatcher: Sendable {
    /// Returns the result already encoded as JSON: it is spliced into the response line as is,
    /// so a large result (a turn, a history) is encoded once.
    /// Gets the whole request line: params are decoded from it with their method's type.
    typealias Handler = @Sendable (Data, ConnectionSession, @escaping @Sendable (RPCNotification) async -> Void)
        async throws -> Data

    let service: SizingService
    let logger: Logger
    let workers: Int
    private var handlers: [String: Handler] = [:]
    /// Methods that may take long; the connection runs them concurrently with later requests.
    public static let longRunning: Set<String> = [JobsWatch.name, AgentClaim.name, AgentEvaluate.name, Eval.name, JobsReplay.name]

    public init(service: SizingService, logger: Logger, workers: Int) {
        self.service = service
        self.logger = logger
        self.workers = workers
        registerAll()
    }

    /// A request line read and checked, ready to run; or the error it is answered with at once.
    public enum Prepared: Sendable {
        case call(id: RPCID?, method: String, line: Data, isNotification: Bool)
        case reply(Reply)
        /// A notification that cannot run: JSON-RPC forbids any answer to it.
        case ignore

        /// The method, to decide whether it may run beside later requests.
        public var method: String? {
            if case .call(_, let method, _, _) = self { return method }
            return nil
        }
    }

    /// Reads one request line's envelope and checks it. No JSON tree is built: params are decoded
    /// from the line straight into their method's type when the request runs.
    public func prepare(line: Data) -> Prepared {
        // Deeply nested JSON costs the decoder time that grows faster than the line: refuse it first.
        if let depth = Self.nestingDepth(line, limit: ProtocolLimits.maxNestingDepth) {
            return .reply(.error(id: nil, RPCError(.invalidRequest,
                "JSON nested deeper than \(ProtocolLimits.maxNestingDepth) levels (at least \(depth))")))
        }
        let envelope: RequestEnvelope
        do {
            envelope = try SizerJSON.decoder().decode(RequestEnvelope.self, from: line)
        } catch DecodingError.typeMismatch {
            // Valid JSON, but not an object: name what it is (a rare path, so a tree is fine here).
            let kind = (try? SizerJSON.decoder().decode(JSONValue.self, from: line))?.typeName ?? "object"
            return .reply(.error(id: nil, RPCError(.invalidRequest, "a request must be a JSON object, not \(kind)")))
        } catch {
            return .reply(.error(id: nil, RPCError(.parseError, "not valid JSON: \(Self.describe(error))")))
        }
        var id: RPCID?
        if case .valid(let value) = envelope.id { id = value }
        guard envelope.version == "2.0" else {
            return .reply(.error(id: id, RPCError(.invalidRequest, "\"jsonrpc\": \"2.0\" is required")))
        }
        guard let method = envelope.method else {
            return .reply(.error(id: id, RPCError(.invalidRequest, "\"method\" must be a string")))
        }
        if envelope.id == .invalid {
            return .reply(.error(id: nil, RPCError(.invalidRequest, "\"id\" must be a string or an integer")))
        }
        let isNotification = envelope.id == .absent
        if envelope.params == .other {
            return isNotification ? .ignore : .reply(.error(id: id, RPCError(.invalidParams, "params must be an object")))
        }
        return .call(id: id, method: method, line: line, isNotification: isNotification)
    }

    /// The nesting depth of a JSON text if it exceeds `limit` (nil otherwise); brackets inside
    /// strings do not count.
    static func nestingDepth(_ line: Data, limit: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in line {
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return depth }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }

    /// Runs a prepared request; nil for notifications (no answer).
    public func run(_ prepared: Prepared, session: ConnectionSession,
                    notify: @escaping @Sendable (RPCNotification) async -> Void) async -> Reply? {
        guard case .call(let id, let method, let line, let isNotification) = prepared else {
            if case .reply(let reply) = prepared { return reply }
            return nil
        }
        let result: Data
        do {
            guard let handler = handlers[method] else {
                throw RPCError(.methodNotFound, "unknown method '\(method)' (methods: \(MethodNames.all.joined(separator: ", ")))")
            }
            if method != Hello.name, !(await session.authenticated) {
                throw RPCError(.unauthorized, "send hello with the token first")
            }
            result = try await handler(line, session, notify)
        } catch {
            let wire = Self.wireError(error)
            if wire.code == RPCErrorCode.internalError.rawValue {
                logger.error("internal error", metadata: ["method": "\(method)", "error": "\(error)"])
            }
            return isNotification ? nil : .error(id: id, wire)
        }
        return isNotification ? nil : .result(id: id, json: result)
    }

    static func wireError(_ error: any Error) -> RPCError {
        if let convertible = error as? any RPCErrorConvertible { return convertible.rpcError }
        return RPCError(.internalError, "\(error)")
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    // MARK: Registration

    private mutating func register<M: RPCMethod>(
        _ method: M.Type,
        _ body: @escaping @Sendable (M.Params, ConnectionSession, @escaping @Sendable (RPCNotification) async -> Void) async throws -> M.Result
    ) {
        handlers[M.name] = { line, session, notify in
            let typed = try WireCoding.decodeParams(M.Params.self, fromLine: line)
            let result = try await body(typed, session, notify)
            // The per-turn reply has a hand-written writer; everything else goes through the encoder.
            if let writable = result as? any JSONWritable { return Data(try writable.jsonBytes()) }
            return try SizerJSON.encoder().encode(result)
        }
    }

    private mutating func registerAll() {
        let service = service
        let workers = workers
        register(Hello.self) { params, session, _ in
            let version = params.protocolVersion ?? 1
            guard version == ProtocolLimits.version else {
                throw RPCError(.unsupportedVersion, "this sizerd speaks protocol version \(ProtocolLimits.version), not \(version)")
            }
            guard await session.authenticate(token: params.token) else {
                throw RPCError(.unauthorized, "wrong or missing token")
            }
            return Hello.Result(protocolVersion: ProtocolLimits.version, server: "sizerd", version: SizerVersion.current,
                                ngspice: service.environment.ngspiceVersion, pdk: service.environment.pdk,
                                workers: workers, maxLineBytes: ProtocolLimits.maxRequestLineBytes,
                                methods: MethodNames.all)
        }
        register(CircuitsList.self) { _, _, _ in await service.listCircuits() }
        register(CircuitsDescribe.self) { params, _, _ in try await service.describe(params) }
        register(CircuitsTargets.self) { params, _, _ in try await service.targets(params) }
        register(CircuitsRegister.self) { params, session, _ in try await service.register(params, session: session) }
        register(Eval.self) { params, _, _ in try await service.eval(params) }
        register(JobsSubmit.self) { params, _, _ in try await service.submit(params) }
        register(JobsGet.self) { params, _, _ in try service.job(params.id) }
        register(JobsList.self) { params, _, _ in try service.list(params) }
        register(JobsCancel.self) { params, _, _ in try await service.cancel(params.id) }
        register(JobsHistory.self) { params, _, _ in try service.history(params.id) }
        register(JobsReplay.self) { params, _, _ in try await service.replay(params.id) }
        register(JobsWatch.self) { params, _, notify in
            let (started, events) = try await service.watch(params.id)
            if let started {
                await notify(RPCNotification(method: WatchStarted.method, params: try WireCoding.value(started)))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                if started != nil {
                    group.addTask { try await Self.noticeWhileUnclaimed(params.id, service: service, notify: notify) }
                }
                for await event in events {
                    await notify(RPCNotification(method: TurnEvent.method, params: try WireCoding.value(event)))
                }
                group.cancelAll()
            }
            return try service.job(params.id)
        }
        register(AgentClaim.self) { params, _, _ in
            let wait = params.waitSeconds ?? 0
            guard wait.isFinite, (0...300).contains(wait) else {
                throw RPCError(.invalidParams, "params.wait_seconds must be between 0 and 300")
            }
            let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
            while true {
                if let claimed = try await service.claim(params) { return AgentClaim.Result(claimed: claimed) }
                // Poll: a claim is a cheap indexed query, and a waiting agent needs no wake-up plumbing.
                guard ContinuousClock.now < deadline, !Task.isCancelled else { return AgentClaim.Result(claimed: nil) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        register(AgentHeartbeat.self) { params, _, _ in try await service.heartbeat(params) }
        register(AgentEvaluate.self) { params, _, _ in try await service.evaluateTurn(params) }
        register(AgentFinish.self) { params, _, _ in try await service.finish(params) }
        register(PoliciesSave.self) { params, _, _ in try await service.savePolicy(params) }
        register(PoliciesGet.self) { params, _, _ in try await service.policy(params) }
    }
}

extension Dispatcher {
    /// Tells a watcher, now and then, that its job still waits for an agent: without one running,
    /// a job stays queued and a watch would wait in silence.
    static func noticeWhileUnclaimed(_ id: Int64, service: SizingService,
                                     notify: @Sendable (RPCNotification) async -> Void) async throws {
        var wait = UnclaimedJob.firstNotice
        while true {
            try await Task.sleep(for: wait)
            wait = UnclaimedJob.repeatNotice
            let job = try service.job(id)
            guard job.status == .queued else { continue }
            let queued = Date().timeIntervalSince1970 - job.createdAt
            await notify(RPCNotification(method: UnclaimedJob.method,
                                         params: try WireCoding.value(UnclaimedJob(jobId: id, queuedSeconds: queued))))
        }
    }
}

/// What a request line is answered with.
public enum Reply: Sendable {
    case result(id: RPCID?, json: Data)
    case error(id: RPCID?, RPCError)

    /// The response line, without its newline.
    public func line() throws -> Data {
        switch self {
        case .error(let id, let error):
            return try SizerJSON.encoder().encode(RPCResponse(id: id, error: error))
        case .result(let id, let json):
            var line = Data(#"{"id":"#.utf8)
            line += try id.map { try SizerJSON.encoder().encode($0) } ?? Data("null".utf8)
            line += Data(#","jsonrpc":"2.0","result":"#.utf8)
            line += json
            line += Data("}".utf8)
            return line
        }
    }
}
