import Circuits
import Evaluation
import Foundation
import Logging
import SizerCore
import SizerProtocol
import Store
import WorkerPool

/// The daemon's state and the meaning of every method, one concern per file: circuits
/// (`+Circuits`), jobs (`+Jobs`), the agent's turns and leases (`+AgentTurns`), watch streams
/// (`+Watch`), one-off evaluation (`+Eval`) and policies (`+Policies`). The wire (framing, JSON,
/// dispatch) is elsewhere; this actor speaks typed params and results.
public actor SizingService {
    let configuration: DaemonConfiguration
    let store: Store
    let evaluatorFactory: @Sendable (Circuit) -> any Evaluator
    let environment: EnvironmentRecord
    let logger: Logger
    let catalog: CircuitCatalog
    /// Circuits loaded so far, by name.
    var circuits: [String: Circuit] = [:]
    /// Jobs whose turn is being simulated now; their leases cannot lapse meanwhile.
    var busy: Set<Int64> = []
    /// Each leased job as its claim or its last turn left it (running jobs only).
    var knownJobs: [Int64: Job] = [:]
    var watchers = TurnWatchers()
    var shuttingDown = false

    public init(configuration: DaemonConfiguration, store: Store, logger: Logger,
                evaluatorFactory: @escaping @Sendable (Circuit) -> any Evaluator) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.evaluatorFactory = evaluatorFactory
        catalog = CircuitCatalog(paths: configuration.paths)
        environment = EnvironmentProbe.current(paths: configuration.paths)
    }

    /// Stops accepting work and ends every stream; in-flight turns still commit.
    func beginShutdown() {
        shuttingDown = true
        watchers.endAll()
    }

    func refuseWhenShuttingDown() throws(RPCError) {
        if shuttingDown { throw RPCError(.shuttingDown, "sizerd is shutting down and accepts no new work") }
    }

    // MARK: Helpers

    /// Runs a store call, giving its errors their wire form.
    nonisolated func storeCall<T>(_ body: () throws -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            if error.kind == .storageUnavailable { logger.error("\(error.message)") }
            throw error.rpcError
        } catch let error as RPCError {
            throw error
        } catch {
            logger.error("database error: \(error)")
            throw RPCError(.internalError, "database error: \(error)")
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
