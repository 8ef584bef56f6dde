/// Ed25519 signatures (RFC 8032), verified under Kabar's "strict cofactored" rule so that every
/// node agrees on every signature:
/// - signature exactly 64 bytes, public key exactly 32;
/// - S < L;
/// - A and R decoded strictly (y < p, no x = 0 with the sign bit set, on the curve);
/// - A and R not of small order;
/// - k = SHA-512(R || A || M) over the bytes as received;
/// - accept only when [8]([S]B - [k]A - R) is the identity.
public enum Ed25519 {
    /// Bytes in a seed (private key).
    public static let seedByteCount = 32
    /// Bytes in a public key.
    public static let publicKeyByteCount = 32
    /// Bytes in a signature.
    public static let signatureByteCount = 64

    /// What was wrong with a key or signature handed to Ed25519.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// A seed must be 32 bytes; this many were given.
        case wrongSeedLength(Int)
        /// A public key must be 32 bytes; this many were given.
        case wrongPublicKeyLength(Int)
        /// A signature must be 64 bytes; this many were given.
        case wrongSignatureLength(Int)
        /// The 32 bytes are not a usable public key: not a canonical point encoding, not on the
        /// curve, or a point of small order.
        case invalidPublicKey

        public var description: String {
            switch self {
            case .wrongSeedLength(let count):
                return "an Ed25519 seed is 32 bytes (64 hex characters), got \(count) bytes"
            case .wrongPublicKeyLength(let count):
                return "an Ed25519 public key is 32 bytes (64 hex characters), got \(count) bytes"
            case .wrongSignatureLength(let count):
                return "an Ed25519 signature is 64 bytes (128 hex characters), got \(count) bytes"
            case .invalidPublicKey:
                return "not a valid Ed25519 public key (not a canonical curve point, or of small order)"
            }
        }
    }

    /// A signing key: the 32-byte seed and what RFC 8032 derives from it.
    public struct PrivateKey: Sendable {
        /// The 32-byte seed.
        public let seed: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey
        /// The clamped secret scalar a.
        let secretScalar: Scalar
        /// The second half of SHA-512(seed), which keys the deterministic nonce.
        let prefix: [UInt8]

        /// The key for a 32-byte seed.
        public init(seed: [UInt8]) throws(Ed25519.Error) {
            guard seed.count == Ed25519.seedByteCount else { throw .wrongSeedLength(seed.count) }
            var digest = SHA512.hash(seed)
            digest[0] &= 248
            digest[31] &= 127
            digest[31] |= 64
            let scalar = digest.withUnsafeBytes { Scalar(bytes: $0.baseAddress!) }
            let point = EdwardsPoint.baseMultiple(scalar)
            self.seed = seed
            self.secretScalar = scalar
            self.prefix = Array(digest[32..<64])
            self.publicKey = PublicKey(trusted: point.bytes, point: point)
        }

        /// A fresh key from 32 bytes of `source`.
        public static func generate(using source: inout some RandomSource) throws -> PrivateKey {
            var seed = [UInt8](repeating: 0, count: Ed25519.seedByteCount)
            try seed.withUnsafeMutableBytes { try source.fill($0) }
            return try PrivateKey(seed: seed)
        }

        /// The deterministic RFC 8032 signature of `message`: 64 bytes, R || S.
        public func signature(for message: [UInt8]) -> [UInt8] {
            var nonceHasher = SHA512.Hasher()
            nonceHasher.update(prefix)
            nonceHasher.update(message)
            let nonceDigest = nonceHasher.finalize()
            let nonce = nonceDigest.withUnsafeBytes { Scalar.reduce(wideBytes: $0.baseAddress!) }
            let encodedR = EdwardsPoint.baseMultiple(nonce).bytes
            let challenge = Ed25519.challenge(encodedR: encodedR, publicKey: publicKey.rawRepresentation, message: message)
            let s = Scalar.multiplyAdd(challenge, secretScalar, nonce)
            return encodedR + s.bytes
        }
    }

    /// A verifying key: 32 bytes that decode strictly to a point not of small order.
    public struct PublicKey: Sendable, Hashable {
        /// The 32-byte encoding.
        public let rawRepresentation: [UInt8]
        /// The decoded point A.
        let point: EdwardsPoint

        /// A key from its 32-byte encoding; throws unless it decodes strictly to a point not of
        /// small order.
        public init(rawRepresentation: [UInt8]) throws(Ed25519.Error) {
            guard rawRepresentation.count == Ed25519.publicKeyByteCount else {
                throw .wrongPublicKeyLength(rawRepresentation.count)
            }
            let decoded = rawRepresentation.withUnsafeBytes { EdwardsPoint(strictBytes: $0.baseAddress!) }
            guard let point = decoded, !point.hasSmallOrder else { throw .invalidPublicKey }
            self.rawRepresentation = rawRepresentation
            self.point = point
        }

        init(trusted rawRepresentation: [UInt8], point: EdwardsPoint) {
            self.rawRepresentation = rawRepresentation
            self.point = point
        }

        /// True when `signature` is a valid signature of `message` by this key under the strict
        /// cofactored rule. False for any malformed signature.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == Ed25519.signatureByteCount else { return false }
            return signature.withUnsafeBytes { raw -> Bool in
                let base = raw.baseAddress!
                guard Scalar.isCanonical(base + 32) else { return false }
                guard let r = EdwardsPoint(strictBytes: base), !r.hasSmallOrder else { return false }
                let s = Scalar(bytes: base + 32)
                let challenge = Ed25519.challenge(
                    encodedR: Array(raw[0..<32]), publicKey: rawRepresentation, message: message)
                // [S]B - [k]A - R, then multiplied by the cofactor.
                let difference = EdwardsPoint.doubleMultiple(challenge, point.negated, s) + r.negated
                return difference.hasSmallOrder
            }
        }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
            lhs.rawRepresentation == rhs.rawRepresentation
        }

        public func hash(into hasher: inout Swift.Hasher) {
            hasher.combine(rawRepresentation)
        }
    }

    /// True when `signature` is a valid signature of `message` by `publicKey`. Never throws:
    /// false for wrong lengths, undecodable or small-order keys, and any malformed signature.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// k = SHA-512(R || A || M) mod L.
    static func challenge(encodedR: [UInt8], publicKey: [UInt8], message: [UInt8]) -> Scalar {
        var hasher = SHA512.Hasher()
        hasher.update(encodedR)
        hasher.update(publicKey)
        hasher.update(message)
        let digest = hasher.finalize()
        return digest.withUnsafeBytes { Scalar.reduce(wideBytes: $0.baseAddress!) }
    }
}
