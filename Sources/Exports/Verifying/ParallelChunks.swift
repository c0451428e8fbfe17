import Dispatch

/// Runs `body` over `count` items in chunks on every core and returns each item's result in
/// order. `body` must only read shared state: each result is written to its own slot.
func parallelMap<T>(count: Int, chunkSize: Int, _ body: (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let slots = Slots<T>(count: count)
    let chunks = (count + chunkSize - 1) / chunkSize
    withoutActuallyEscaping(body) { body in
        let work = Unchecked(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) { slots.set(index, work.value(index)) }
        }
    }
    return slots.values()
}

/// A value handed to the chunks of ``parallelMap(count:chunkSize:_:)``, which only read it.
private struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// One slot per item, each written by exactly one chunk.
private final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    func set(_ index: Int, _ value: T) { buffer[index] = value }

    func values() -> [T] { buffer.map { $0! } }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }
}
