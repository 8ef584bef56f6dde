// libFuzzer target: Bulletin.decode on arbitrary bytes. Built by Scripts/fuzz.sh, not by SwiftPM.
// Whatever decodes must re-encode to the same bytes (the canonical-form promise).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBulletinDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let bulletin = try? Bulletin.decode(bytes) {
        precondition(bulletin.encoded == bytes, "decoded bulletin does not re-encode to its bytes")
        _ = try? bulletin.verifySignature()
    }
    return 0
}
