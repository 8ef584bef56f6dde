import Dispatch
import Kabar

/// Checks a batch of bulletin signatures on every core (`DispatchQueue.concurrentPerform`).
///
/// The verdicts are exactly those of `Bulletin.verifySignature()` one by one: each bulletin is
/// checked alone, only on another thread. Batches too small to pay for the threads are checked
/// on the caller's.
public struct ParallelSignatureVerifier: SignatureBatchVerifier {
    /// Batches smaller than this are checked on the calling thread.
    public static let parallelBatchMin = 8
    /// Bulletins per unit of work handed to a thread.
    static let chunk = 4

    /// A verifier.
    public init() {}

    public func verify(_ bulletins: [Bulletin]) -> [BulletinError?] {
        guard bulletins.count >= Self.parallelBatchMin else { return SequentialSignatureVerifier().verify(bulletins) }
        var verdicts = [BulletinError?](repeating: nil, count: bulletins.count)
        let chunks = (bulletins.count + Self.chunk - 1) / Self.chunk
        verdicts.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes its own disjoint slots; the pointer outlives the call.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * Self.chunk
                for index in start..<min(start + Self.chunk, bulletins.count) {
                    do throws(BulletinError) {
                        try bulletins[index].verifySignature()
                    } catch {
                        output[index] = error
                    }
                }
            }
        }
        return verdicts
    }
}
