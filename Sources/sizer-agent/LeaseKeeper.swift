import Foundation
import SizerClient
import SizerProtocol
import Synchronization

/// Heartbeats a lease on its own connection while the job's optimizer thinks, and notices a
/// cancelled job or a lost lease.
final class LeaseKeeper: Sendable {
    let lease: Lease
    let socketPath: String
    private let stopped = Atomic<Bool>(false)
    private let lost = Atomic<Bool>(false)
    private let cancelled = Atomic<Bool>(false)

    init(lease: Lease, socketPath: String) {
        self.lease = lease
        self.socketPath = socketPath
    }

    var jobWasCancelled: Bool { cancelled.load(ordering: .relaxed) }
    var leaseWasLost: Bool { lost.load(ordering: .relaxed) }

    func start() {
        let thread = Thread { [self] in
            let client = try? SizerClient(socketPath: socketPath)
            // A third of the lease: two heartbeats may be late before the job is lost.
            let interval = max(0.2, lease.seconds / 3)
            var waited = 0.0
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 0.1)
                waited += 0.1
                guard waited >= interval else { continue }
                waited = 0
                do {
                    let result = try client?.call(AgentHeartbeat.self, LeaseRef(jobId: lease.jobId, token: lease.token))
                    if result?.status == .cancelled { cancelled.store(true, ordering: .relaxed) }
                } catch let error as RPCError where error.kind == .conflict || error.kind == .notFound {
                    lost.store(true, ordering: .relaxed)
                } catch {
                    // The connection may come back; the next turn will tell.
                }
            }
        }
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
