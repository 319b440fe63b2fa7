import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SizerCore
import SizerProtocol
import Synchronization

/// Serves newline-delimited JSON-RPC on a Unix socket (and optionally loopback TCP).
/// Every connection runs in its own child task, so one bad client never stops the daemon.
public struct RPCServer: Service {
    let configuration: DaemonConfiguration
    let dispatcher: Dispatcher
    let service: SizingService
    let logger: Logger
    /// Resolved once both listeners are bound (tests and `sd_notify` wait for it).
    let onListening: @Sendable () -> Void

    public init(configuration: DaemonConfiguration, dispatcher: Dispatcher, service: SizingService, logger: Logger,
                onListening: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.dispatcher = dispatcher
        self.service = service
        self.logger = logger
        self.onListening = onListening
    }

    typealias Connection = NIOAsyncChannel<FramedLine, ByteBuffer>

    public func run() async throws {
        let unix = try await bindUnix()
        var listeners: [(NIOAsyncChannel<Connection, Never>, String?)] = [(unix, nil)]
        if let port = configuration.tcpPort {
            guard let token = configuration.token, !token.isEmpty else {
                throw DaemonError("--tcp needs a non-empty token (--token-file)")
            }
            let host = configuration.tcpHost ?? "127.0.0.1"
            let tcp = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(host: host, port: port, childChannelInitializer: Self.initializeConnection)
            logger.info("listening", metadata: ["tcp": "\(host):\(tcp.channel.localAddress?.port ?? port)"])
            listeners.append((tcp, token))
        }
        logger.info("listening", metadata: ["socket": "\(configuration.socketPath)"])
        onListening()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (listener, token) in listeners {
                    group.addTask { await accept(on: listener, token: token) }
                }
            }
        } onGracefulShutdown: {
            Task { await service.beginShutdown() }
        }
        try? FileManager.default.removeItem(atPath: configuration.socketPath)
        logger.info("server stopped")
    }

    private func bindUnix() async throws -> NIOAsyncChannel<Connection, Never> {
        let path = configuration.socketPath
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        if FileManager.default.fileExists(atPath: path) {
            // A live daemon answers on its socket: never steal it; a stale file is removed.
            if SocketProbe.isListening(unixPath: path) {
                throw DaemonError("another sizerd is listening on \(path)")
            }
            try FileManager.default.removeItem(atPath: path)
        }
        // 0660: owner and group may connect; set by umask around bind so there is no window
        // in which the socket is more open.
        let previous = umask(0o117)
        defer { umask(previous) }
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // A client that sends its requests and shuts its write side (socat, nc -N) still gets
            // every answer before the connection closes.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false,
                  childChannelInitializer: Self.initializeConnection)
    }

    @Sendable static func initializeConnection(_ channel: Channel) -> EventLoopFuture<Connection> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(LineFramer(maxLength: ProtocolLimits.maxRequestLineBytes)))
            // Deinit-based teardown on purpose: a connection accepted while the listener closes can
            // be dropped by NIO before it reaches the accept loop (swift-nio issue 2637); it must
            // then be closed, not trap ("Deinited NIOAsyncWriter without calling finish()").
            return try Connection(synchronouslyWrapping: channel)
        }
    }

    private func accept(on listener: NIOAsyncChannel<Connection, Never>, token: String?) async {
        do {
            try await listener.executeThenClose { inbound in
                // On shutdown, close the listening socket and take every connection it had already
                // accepted: each is then served (and at once closed, since its own loop stops on
                // shutdown). Ending the iteration instead would drop those connections unclosed,
                // which NIO treats as a fatal error: a client connecting during shutdown crashed sizerd.
                try await withGracefulShutdownHandler {
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            group.addTask {
                                guard Self.openConnections.add(1, ordering: .relaxed).newValue <= ProtocolLimits.maxConnections else {
                                    Self.openConnections.subtract(1, ordering: .relaxed)
                                    await refuse(connection)
                                    return
                                }
                                defer { Self.openConnections.subtract(1, ordering: .relaxed) }
                                await serve(connection, session: ConnectionSession(requiredToken: token))
                            }
                        }
                    }
                } onGracefulShutdown: {
                    listener.channel.close(promise: nil)
                }
            }
        } catch ChannelError.alreadyClosed {
            // Closed by the shutdown above.
        } catch {
            logger.error("listener failed: \(error)")
        }
    }

    /// Connections being served, over all listeners.
    static let openConnections = Atomic<Int>(0)

    /// Answers a connection beyond the limit with one error line and closes it.
    private func refuse(_ connection: Connection) async {
        try? await connection.executeThenClose { _, outbound in
            let writer = LineWriter(outbound: outbound)
            await writer.send(Reply.error(id: nil, RPCError(.overloaded,
                "sizerd serves at most \(ProtocolLimits.maxConnections) connections; retry later")))
        }
    }

    private func serve(_ connection: Connection, session: ConnectionSession) async {
        let inFlight = InFlightCounter()
        do {
            try await connection.executeThenClose { inbound, outbound in
                let writer = LineWriter(outbound: outbound)
                try await withThrowingDiscardingTaskGroup { group in
                    for try await frame in inbound.cancelOnGracefulShutdown() {
                        switch frame {
                        case .tooLong(let bytes):
                            await writer.send(Reply.error(id: nil, RPCError(.parseError,
                                "line of \(bytes) bytes exceeds the limit of \(ProtocolLimits.maxRequestLineBytes) bytes; it was skipped")))
                        case .line(let buffer):
                            let line = Data(buffer.readableBytesView)
                            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                            let prepared = dispatcher.prepare(line: line)
                            let work: @Sendable () async -> Void = {
                                let response = await dispatcher.run(prepared, session: session) { note in
                                    await writer.send(note)
                                }
                                if let response { await writer.send(response) }
                            }
                            // Long methods run beside later requests; the rest answer in order.
                            if let method = prepared.method, Dispatcher.longRunning.contains(method) {
                                guard inFlight.enter() else {
                                    if case .call(let id, _, _, false) = prepared {
                                        await writer.send(Reply.error(id: id, RPCError(.overloaded,
                                            "at most \(ProtocolLimits.maxInFlightPerConnection) long requests in flight per connection; wait for an answer")))
                                    }
                                    continue
                                }
                                group.addTask {
                                    defer { inFlight.leave() }
                                    await work()
                                }
                            } else {
                                await work()
                            }
                        }
                    }
                }
            }
        } catch {
            logger.debug("connection closed: \(error)")
        }
    }
}

/// Long requests in flight on one connection.
final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)

    func enter() -> Bool {
        guard count.add(1, ordering: .relaxed).newValue <= ProtocolLimits.maxInFlightPerConnection else {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { count.subtract(1, ordering: .relaxed) }
}

/// Serializes whole lines onto a connection shared by concurrent requests.
actor LineWriter {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var broken = false

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.outbound = outbound
    }

    func send<T: Encodable>(_ message: T) async {
        await write { try SizerJSON.encoder().encode(message) }
    }

    func send(_ reply: Reply) async {
        await write { try reply.line() }
    }

    private func write(_ line: () throws -> Data) async {
        guard !broken else { return }
        do {
            var data = try line()
            data.append(0x0A)
            try await outbound.write(ByteBuffer(bytes: data))
        } catch {
            // The client went away; the request's effects are already committed.
            broken = true
        }
    }
}

/// A daemon start-up failure with a message for the operator.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Whether something accepts connections on a Unix socket path.
enum SocketProbe {
    static func isListening(unixPath: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let address = UnixSocketAddress(path: unixPath) else { return false }
        return address.withSockaddr { connect(fd, $0, $1) } == 0
    }
}
