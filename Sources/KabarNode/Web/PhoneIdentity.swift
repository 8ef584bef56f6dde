import Kabar
import KabarCrypto

/// A phone on the hall board, known by the random token it keeps in a cookie
/// (Documentation/Board.md, "Who posts").
///
/// Phones hold no keys. The hall derives one signing key per phone from its own seed and the
/// phone's token, signs the phone's posts with it, and adds a *voucher*: the hall's signature
/// over the phone's public key. So every node can tell that a bulletin came from a phone at a
/// given hall (and check it), quotas, blocks and retractions work per phone like per any key,
/// and nothing secret ever reaches the phone: the token alone signs nothing.
///
///     let phone = PhoneIdentity(token: token, hall: identity)
///     phone.key          // the phone's signing key (never leaves the hall)
///     phone.formToken    // the hidden `csrf` field of its forms
public struct PhoneIdentity: Sendable {
    /// The token's bytes (16 random bytes; its cookie holds 32 hex digits).
    public static let tokenByteCount = 16
    /// The cookie that carries the token.
    public static let cookieName = "kabar_phone"

    /// The token.
    public let token: [UInt8]
    /// The phone's signing key, derived from the hall's seed and the token.
    public let key: Ed25519.PrivateKey
    /// The value of the hidden form field that proves a form came from a page this hall served
    /// to this phone (a forged cross-site form cannot know it).
    public let formToken: String

    /// The phone with `token` at the hall whose identity is `hall`.
    public init(token: [UInt8], hall: Identity) {
        self.token = token
        let seed = HMACSHA256.authenticationCode(for: Array("kabar-phone-key-v1".utf8) + [0] + token, key: hall.key.seed)
        do {
            key = try Ed25519.PrivateKey(seed: seed)
        } catch {
            preconditionFailure("an HMAC-SHA-256 code is 32 bytes, the size of an Ed25519 seed")
        }
        formToken = Hex.encode(HMACSHA256.authenticationCode(for: Array("kabar-board-form-v1".utf8) + [0] + token, key: hall.key.seed).prefix(16))
    }

    /// The token in a cookie value, or nil when it is not 32 hex digits (a new token is due).
    public static func token(fromCookie value: String) -> [UInt8]? {
        guard value.utf8.count == tokenByteCount * 2, let bytes = try? Hex.decode(value, count: tokenByteCount) else { return nil }
        return bytes
    }

    /// The phone's public key: the author of its posts.
    public var author: AuthorKey { identity.author }

    /// The phone as an `Identity` that signs (its label names it as a phone).
    public var identity: Identity { Identity(key: key, label: "phone") }

    /// True when `submitted` is this phone's form token (compared in constant time).
    public func acceptsForm(_ submitted: String) -> Bool {
        ConstantTime.equal(Array(submitted.utf8), Array(formToken.utf8))
    }
}

extension PhoneVoucher {
    /// The field `hall` adds to posts signed by `phone`.
    public static func field(hall: Identity, phone: AuthorKey) -> UnknownField {
        UnknownField(tag: tag, value: hall.author.bytes + hall.key.signature(for: message(phone: phone)))
    }
}
