import ServiceLifecycle

/// Periodically sends jobs whose agent stopped heartbeating back to the queue.
public struct LeaseSweeper: Service {
    let service: SizingService
    let interval: Duration

    public init(service: SizingService, interval: Duration) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    await service.sweepLeases()
                }
            }
        } catch is CancellationError {
            // Shutdown: nothing to clean up; leases are in the database.
        }
    }
}
