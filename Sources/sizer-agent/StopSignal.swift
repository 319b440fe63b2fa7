import Foundation
import Synchronization

/// SIGTERM/SIGINT set a flag; the agent finishes its current turn, gives its job back and exits 0.
enum StopSignal {
    static let requested = Atomic<Bool>(false)

    static func install() {
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber) { _ in StopSignal.requested.store(true, ordering: .relaxed) }
        }
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
