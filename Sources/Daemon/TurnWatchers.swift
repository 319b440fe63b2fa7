import Foundation
import SizerProtocol

/// The open `jobs.watch` streams, by job. A value held by `SizingService`, which serializes access.
struct TurnWatchers {
    private var streams: [Int64: [UUID: AsyncStream<TurnEvent>.Continuation]] = [:]

    mutating func add(job: Int64, key: UUID, _ continuation: AsyncStream<TurnEvent>.Continuation) {
        streams[job, default: [:]][key] = continuation
    }

    mutating func remove(job: Int64, key: UUID) {
        streams[job]?[key] = nil
    }

    /// Sends `event` to the job's watchers; a final status ends their streams.
    mutating func publish(_ event: TurnEvent) {
        for continuation in streams[event.jobId]?.values ?? [:].values { continuation.yield(event) }
        if event.status.isFinal { end(job: event.jobId) }
    }

    mutating func end(job: Int64) {
        for continuation in streams.removeValue(forKey: job)?.values ?? [:].values { continuation.finish() }
    }

    mutating func endAll() {
        for job in Array(streams.keys) { end(job: job) }
    }
}
