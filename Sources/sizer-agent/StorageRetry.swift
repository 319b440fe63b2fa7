import Foundation
import SizerProtocol

/// -32008 means the daemon could not write its run log and recorded nothing (a full disk, a
/// read-only file). The agent waits and sends the same request again, doubling the wait up to
/// 30 s, instead of exiting: once the operator frees space the job carries on without a restart.
/// A turn's proposals depend only on the history and the turn's seed, so the retried request is
/// the one that failed. A stop request, or `giveUp` (the lease lost, the job cancelled), ends the
/// waiting with the error.
enum StorageRetry {
    static func call<T>(_ what: String, giveUp: () -> Bool = { false }, _ body: () throws -> T) throws -> T {
        var delay = 0.5
        while true {
            do {
                return try body()
            } catch let error as RPCError where error.kind == .storageUnavailable {
                if StopSignal.isRequested || giveUp() { throw error }
                SizerAgent.Serve.note("\(what): \(error.message); retrying in \(delay) s")
                var waited = 0.0
                while waited < delay && !StopSignal.isRequested && !giveUp() {
                    Thread.sleep(forTimeInterval: 0.1)
                    waited += 0.1
                }
                delay = min(delay * 2, 30)
            }
        }
    }
}
