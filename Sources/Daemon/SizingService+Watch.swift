import Foundation
import SizerProtocol

// Watching: a stream of turn events per job.
extension SizingService {
    /// A stream of turn events of a job; it ends when the job ends (or the daemon stops). The
    /// subscription is in place when this returns, so no later turn is missed; `started` is nil
    /// when the stream is already over (a finished job, or shutdown).
    func watch(_ id: Int64) throws(RPCError) -> (started: WatchStarted?, events: AsyncStream<TurnEvent>) {
        let job = try job(id)
        let (stream, continuation) = AsyncStream<TurnEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        if job.status.isFinal || shuttingDown {
            continuation.finish()
            return (nil, stream)
        }
        let key = UUID()
        watchers.add(job: id, key: key, continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeWatcher(job: id, key: key) }
        }
        return (WatchStarted(jobId: id, turns: job.turns), stream)
    }

    private func removeWatcher(job: Int64, key: UUID) {
        watchers.remove(job: job, key: key)
    }
}
