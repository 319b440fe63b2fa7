import Foundation

/// Waits between attempts to reach the daemon: 0.2 s doubling to 10 s, cut short by a stop request.
struct Backoff {
    private(set) var delay = 0.2

    var delayText: String { String(format: "%.1f s", delay) }

    mutating func wait() {
        var waited = 0.0
        while waited < delay && !StopSignal.isRequested {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 0.05
        }
        delay = min(delay * 2, 10)
    }

    mutating func reset() { delay = 0.2 }
}
