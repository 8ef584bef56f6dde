/// SHA-256 (FIPS 180-4): one-shot and streaming. Standard library only.
///
///     SHA256.hash(Array("abc".utf8))   // ba7816bf...
public enum SHA256 {
    /// Bytes in a digest.
    public static let digestByteCount = 32
    /// Bytes in one compression block.
    public static let blockByteCount = 64

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The digest of the bytes in `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var state = SHA256State.initial
        let wholeBytes = buffer.count / blockByteCount * blockByteCount
        state.compress(blocks: UnsafeRawBufferPointer(rebasing: buffer[0..<wholeBytes]))
        return state.finish(tail: UnsafeRawBufferPointer(rebasing: buffer[wholeBytes...]), totalByteCount: UInt64(buffer.count))
    }

    /// The digests of the first `prefixCount` bytes of `buffer` and of all of it, in one pass:
    /// the whole blocks they share are compressed once, so the prefix's digest costs one or two
    /// compressions more than the whole's. (A bulletin's stamp is the digest of its unsigned
    /// part, its id the digest of all of it: Documentation/Trust.md, "Stamps".)
    public static func hashes(_ buffer: UnsafeRawBufferPointer, prefixCount: Int) -> (prefix: [UInt8], whole: [UInt8]) {
        precondition(prefixCount >= 0 && prefixCount <= buffer.count, "prefix longer than the buffer")
        var state = SHA256State.initial
        let shared = prefixCount / blockByteCount * blockByteCount
        state.compress(blocks: UnsafeRawBufferPointer(rebasing: buffer[0..<shared]))
        let prefix = state.finish(
            tail: UnsafeRawBufferPointer(rebasing: buffer[shared..<prefixCount]), totalByteCount: UInt64(prefixCount))
        let wholeEnd = shared + (buffer.count - shared) / blockByteCount * blockByteCount
        state.compress(blocks: UnsafeRawBufferPointer(rebasing: buffer[shared..<wholeEnd]))
        let whole = state.finish(tail: UnsafeRawBufferPointer(rebasing: buffer[wholeEnd...]), totalByteCount: UInt64(buffer.count))
        return (prefix, whole)
    }

    /// Streaming SHA-256: `update` any number of times, then `finalize` once.
    public struct Hasher: Sendable {
        @usableFromInline var state: SHA256State = .initial
        /// Bytes waiting for a whole block; never holds a whole block after `update` returns.
        @usableFromInline var pending: [UInt8] = []
        /// Total bytes given to `update`.
        @usableFromInline var totalByteCount: UInt64 = 0

        /// A hasher with nothing hashed yet.
        public init() {}

        /// Adds `bytes` to the message.
        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// Adds the bytes in `buffer` to the message.
        public mutating func update(_ buffer: UnsafeRawBufferPointer) {
            guard buffer.count > 0, let base = buffer.baseAddress else { return }
            totalByteCount &+= UInt64(buffer.count)
            var offset = 0
            if !pending.isEmpty {
                let take = min(SHA256.blockByteCount - pending.count, buffer.count)
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
                offset = take
                if pending.count < SHA256.blockByteCount { return }
                pending.withUnsafeBytes { state.compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
            let wholeBytes = (buffer.count - offset) / SHA256.blockByteCount * SHA256.blockByteCount
            if wholeBytes > 0 {
                state.compress(blocks: UnsafeRawBufferPointer(start: base + offset, count: wholeBytes))
                offset += wholeBytes
            }
            if offset < buffer.count {
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: buffer.count - offset))
            }
        }

        /// The digest of everything given to `update`. Call once; the hasher is spent afterwards.
        public mutating func finalize() -> [UInt8] {
            let digest = pending.withUnsafeBytes { state.finish(tail: $0, totalByteCount: totalByteCount) }
            pending.removeAll()
            return digest
        }
    }
}

/// The eight chaining words of SHA-256 and its compression function.
@usableFromInline
struct SHA256State: Sendable {
    var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

    @usableFromInline static let initial = SHA256State(
        h0: 0x6a09e667, h1: 0xbb67ae85, h2: 0x3c6ef372, h3: 0xa54ff53a,
        h4: 0x510e527f, h5: 0x9b05688c, h6: 0x1f83d9ab, h7: 0x5be0cd19)

    /// Pads `tail` (fewer than 64 bytes: what is left after the whole blocks) for a message of
    /// `totalByteCount` bytes, compresses it, and returns the digest. Nothing on the heap but
    /// the digest itself.
    func finish(tail: UnsafeRawBufferPointer, totalByteCount: UInt64) -> [UInt8] {
        var state = self
        let paddedCount = tail.count < 56 ? 64 : 128
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            if tail.count > 0 { raw.copyMemory(from: tail) }
            raw[tail.count] = 0x80
            raw.storeBytes(of: (totalByteCount &<< 3).bigEndian, toByteOffset: paddedCount - 8, as: UInt64.self)
            state.compress(blocks: UnsafeRawBufferPointer(rebasing: raw[0..<paddedCount]))
        }
        return [UInt8](unsafeUninitializedCapacity: 32) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            raw.storeBytes(of: state.h0.bigEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: state.h1.bigEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: state.h2.bigEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: state.h3.bigEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: state.h4.bigEndian, toByteOffset: 16, as: UInt32.self)
            raw.storeBytes(of: state.h5.bigEndian, toByteOffset: 20, as: UInt32.self)
            raw.storeBytes(of: state.h6.bigEndian, toByteOffset: 24, as: UInt32.self)
            raw.storeBytes(of: state.h7.bigEndian, toByteOffset: 28, as: UInt32.self)
            initialized = 32
        }
    }

    /// Compresses every whole 64-byte block in `blocks` (whose count is a multiple of 64).
    /// Rounds are unrolled (generated by Scripts/generate-sha2-rounds.py) with the message
    /// schedule in sixteen rolling locals, so nothing is allocated per block.
    mutating func compress(blocks: UnsafeRawBufferPointer) {
        guard let base = blocks.baseAddress else { return }
        var offset = 0
        while offset + 64 <= blocks.count {
            let bytes = base + offset
            @inline(__always) func load(_ index: Int) -> UInt32 {
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            }
            var w0 = load(0), w1 = load(1), w2 = load(2), w3 = load(3)
            var w4 = load(4), w5 = load(5), w6 = load(6), w7 = load(7)
            var w8 = load(8), w9 = load(9), w10 = load(10), w11 = load(11)
            var w12 = load(12), w13 = load(13), w14 = load(14), w15 = load(15)
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x428a2f98 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x71374491 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xb5c0fbcf &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xe9b5dba5 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x3956c25b &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x59f111f1 &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x923f82a4 &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xab1c5ed5 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xd807aa98 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x12835b01 &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x243185be &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x550c7dc3 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x72be5d74 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x80deb1fe &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x9bdc06a7 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xc19bf174 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xe49b69c1 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xefbe4786 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x0fc19dc6 &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x240ca1cc &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x2de92c6f &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x4a7484aa &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x5cb0a9dc &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x76f988da &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x983e5152 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xa831c66d &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xb00327c8 &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xbf597fc7 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0xc6e00bf3 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xd5a79147 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x06ca6351 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x14292967 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x27b70a85 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x2e1b2138 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x4d2c6dfc &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x53380d13 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x650a7354 &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x766a0abb &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x81c2c92e &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x92722c85 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0xa2bfe8a1 &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0xa81a664b &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0xc24b8b70 &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0xc76c51a3 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0xd192e819 &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xd6990624 &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0xf40e3585 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x106aa070 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w0 &+= smallSigma1(w14) &+ w9 &+ smallSigma0(w1)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x19a4c116 &+ w0
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w1 &+= smallSigma1(w15) &+ w10 &+ smallSigma0(w2)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x1e376c08 &+ w1
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w2 &+= smallSigma1(w0) &+ w11 &+ smallSigma0(w3)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x2748774c &+ w2
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w3 &+= smallSigma1(w1) &+ w12 &+ smallSigma0(w4)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x34b0bcb5 &+ w3
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w4 &+= smallSigma1(w2) &+ w13 &+ smallSigma0(w5)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x391c0cb3 &+ w4
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w5 &+= smallSigma1(w3) &+ w14 &+ smallSigma0(w6)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0x4ed8aa4a &+ w5
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w6 &+= smallSigma1(w4) &+ w15 &+ smallSigma0(w7)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0x5b9cca4f &+ w6
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w7 &+= smallSigma1(w5) &+ w0 &+ smallSigma0(w8)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0x682e6ff3 &+ w7
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            w8 &+= smallSigma1(w6) &+ w1 &+ smallSigma0(w9)
            h &+= bigSigma1(e) &+ choose(e, f, g) &+ 0x748f82ee &+ w8
            d &+= h
            h &+= bigSigma0(a) &+ majority(a, b, c)
            w9 &+= smallSigma1(w7) &+ w2 &+ smallSigma0(w10)
            g &+= bigSigma1(d) &+ choose(d, e, f) &+ 0x78a5636f &+ w9
            c &+= g
            g &+= bigSigma0(h) &+ majority(h, a, b)
            w10 &+= smallSigma1(w8) &+ w3 &+ smallSigma0(w11)
            f &+= bigSigma1(c) &+ choose(c, d, e) &+ 0x84c87814 &+ w10
            b &+= f
            f &+= bigSigma0(g) &+ majority(g, h, a)
            w11 &+= smallSigma1(w9) &+ w4 &+ smallSigma0(w12)
            e &+= bigSigma1(b) &+ choose(b, c, d) &+ 0x8cc70208 &+ w11
            a &+= e
            e &+= bigSigma0(f) &+ majority(f, g, h)
            w12 &+= smallSigma1(w10) &+ w5 &+ smallSigma0(w13)
            d &+= bigSigma1(a) &+ choose(a, b, c) &+ 0x90befffa &+ w12
            h &+= d
            d &+= bigSigma0(e) &+ majority(e, f, g)
            w13 &+= smallSigma1(w11) &+ w6 &+ smallSigma0(w14)
            c &+= bigSigma1(h) &+ choose(h, a, b) &+ 0xa4506ceb &+ w13
            g &+= c
            c &+= bigSigma0(d) &+ majority(d, e, f)
            w14 &+= smallSigma1(w12) &+ w7 &+ smallSigma0(w15)
            b &+= bigSigma1(g) &+ choose(g, h, a) &+ 0xbef9a3f7 &+ w14
            f &+= b
            b &+= bigSigma0(c) &+ majority(c, d, e)
            w15 &+= smallSigma1(w13) &+ w8 &+ smallSigma0(w0)
            a &+= bigSigma1(f) &+ choose(f, g, h) &+ 0xc67178f2 &+ w15
            e &+= a
            a &+= bigSigma0(b) &+ majority(b, c, d)
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            _ = (w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15)

            offset += 64
        }
    }

    @inline(__always) private func bigSigma0(_ x: UInt32) -> UInt32 { (x >> 2 | x << 30) ^ (x >> 13 | x << 19) ^ (x >> 22 | x << 10) }
    @inline(__always) private func bigSigma1(_ x: UInt32) -> UInt32 { (x >> 6 | x << 26) ^ (x >> 11 | x << 21) ^ (x >> 25 | x << 7) }
    @inline(__always) private func smallSigma0(_ x: UInt32) -> UInt32 { (x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3) }
    @inline(__always) private func smallSigma1(_ x: UInt32) -> UInt32 { (x >> 17 | x << 15) ^ (x >> 19 | x << 13) ^ (x >> 10) }
    @inline(__always) private func choose(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { z ^ (x & (y ^ z)) }
    @inline(__always) private func majority(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> UInt32 { (x & y) | (z & (x | y)) }
}
