import Dispatch
import Foundation

/// Transforms batches of items on other cores while the caller goes on reading, and gives the
/// results back in submission order. At most `inFlight` batches wait or run at a time, so a fast
/// reader cannot pile up unparsed input.
final class BackgroundBatches<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let transform: @Sendable (Input) -> Output
    private let batchSize: Int
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var done: [Int: [Output]] = [:]
    private var pending: [Input] = []
    private var submitted = 0

    init(batchSize: Int = 2048, inFlight: Int = 4, transform: @escaping @Sendable (Input) -> Output) {
        self.transform = transform
        self.batchSize = batchSize
        self.slots = DispatchSemaphore(value: inFlight)
    }

    /// Adds an item; a full batch is handed to another core.
    func add(_ item: Input) {
        pending.append(item)
        if pending.count >= batchSize { submit() }
    }

    /// Every item's output, in the order the items were added (waits for the batches still running).
    func results() -> [Output] {
        submit()
        group.wait()
        return lock.withLock {
            var all: [Output] = []
            for index in 0..<submitted { all += done[index] ?? [] }
            done = [:]
            return all
        }
    }

    private func submit() {
        guard !pending.isEmpty else { return }
        let batch = pending
        let index = submitted
        pending = []
        submitted += 1
        slots.wait()
        DispatchQueue.global().async(group: group) { [self] in
            let outputs = batch.map(transform)
            lock.withLock { done[index] = outputs }
            slots.signal()
        }
    }
}
