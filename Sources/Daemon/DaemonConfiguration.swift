import Circuits
import Foundation
import SpiceDeck

/// Everything `sizerd` is started with.
public struct DaemonConfiguration: Sendable {
    public var socketPath: String
    public var databasePath: String
    public var workers: Int
    /// Loopback TCP listener, off unless asked for; every TCP client must present `token` in `hello`.
    public var tcpHost: String?
    public var tcpPort: Int?
    public var token: String?
    /// An agent that neither heartbeats nor commits a turn for this long loses its job to the queue.
    public var leaseSeconds: Double
    /// How often lapsed leases are looked for.
    public var sweepInterval: Duration
    public var paths: SizerPaths
    /// How evaluation requests put designs into decks (`sizerd` reads it from the environment).
    public var deckForm: DeckForm

    public init(socketPath: String, databasePath: String, workers: Int, tcpHost: String? = nil, tcpPort: Int? = nil,
                token: String? = nil, leaseSeconds: Double = 30, sweepInterval: Duration = .milliseconds(500),
                paths: SizerPaths, deckForm: DeckForm = DeckForm()) {
        self.socketPath = socketPath
        self.databasePath = databasePath
        self.workers = workers
        self.tcpHost = tcpHost
        self.tcpPort = tcpPort
        self.token = token
        self.leaseSeconds = leaseSeconds
        self.sweepInterval = sweepInterval
        self.paths = paths
        self.deckForm = deckForm
    }

    /// `var/sizerd.sock` in the working directory: the developer default.
    public static let defaultSocketPath = "var/sizerd.sock"
    public static let defaultDatabasePath = "var/sizer.sqlite"
}
