import Foundation

/// Values another module derives from a circuit and keeps with it: one per type, made on first
/// use, shared by copies of the circuit. The deck writer (`SpiceDeck`) keeps its caches here, so
/// that the circuit model itself knows nothing of deck forms.
package final class DerivedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [ObjectIdentifier: AnyObject] = [:]

    package init() {}

    package func value<Value: AnyObject & Sendable>(_ make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[ObjectIdentifier(Value.self)] as? Value { return value }
        let value = make()
        values[ObjectIdentifier(Value.self)] = value
        return value
    }
}
