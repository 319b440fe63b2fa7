import Foundation

/// A small thread-safe memo: at most `capacity` entries, emptied when full (the keys that matter
/// come back at once). Shared by copies of the value that owns it.
final class BoundedCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(for key: Key, _ make: () -> Value) -> Value {
        lock.lock()
        if let value = entries[key] {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = value
        lock.unlock()
        return value
    }
}
