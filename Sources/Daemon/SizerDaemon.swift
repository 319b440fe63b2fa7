import Circuits
import Evaluation
import Foundation
import Logging
import ServiceLifecycle
import Store
import WorkerPool

/// Builds the daemon's parts and runs them until SIGTERM or SIGINT: the RPC server, the lease
/// sweeper, the worker pool and the run log.
public enum SizerDaemon {
    public static func run(configuration: DaemonConfiguration, logger: Logger) async throws {
        let store: Store
        do {
            store = try Store(path: configuration.databasePath)
        } catch let error as StoreError where error.kind == .storageUnavailable {
            // No run log, no service: every turn is recorded before it is answered. Refuse to start
            // rather than accept work that cannot be logged; nothing has been written.
            throw DaemonError("\(error.message); sizerd needs a writable run log (--db) and does not start without one")
        }
        let pool = WorkerPool(configuration: WorkerPoolConfiguration(workers: configuration.workers),
                              launch: .simulationWorker(workingDirectoryRoot: (NSTemporaryDirectory() as NSString)
                                  .appendingPathComponent("sizerd-workers-\(getpid())")))
        try await pool.start()
        let service = SizingService(configuration: configuration, store: store, logger: logger) { circuit in
            PoolEvaluator(circuit: circuit, pool: pool, deckForm: configuration.deckForm)
        }
        let dispatcher = Dispatcher(service: service, logger: logger, workers: configuration.workers)
        let server = RPCServer(configuration: configuration, dispatcher: dispatcher, service: service, logger: logger) {
            SystemdNotify.send("READY=1\nSTATUS=serving")
        }
        let sweeper = LeaseSweeper(service: service, interval: configuration.sweepInterval)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server), .init(service: sweeper)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.info("sizerd starting", metadata: ["db": "\(configuration.databasePath)", "workers": "\(configuration.workers)",
                                                  "ngspice": "\(service.environment.ngspiceVersion)"])
        do {
            try await group.run()
        } catch {
            await pool.shutdown()
            throw error
        }
        SystemdNotify.send("STOPPING=1")
        await pool.shutdown()
        logger.info("sizerd stopped cleanly")
    }
}
