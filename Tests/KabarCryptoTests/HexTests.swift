import KabarCrypto
import Testing

@Suite struct HexTests {
    @Test func encodesLowerCase() {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
    }

    @Test func decodesEitherCase() throws {
        #expect(try Hex.decode("00ABff") == [0x00, 0xab, 0xff])
    }

    @Test func rejectsBadText() {
        #expect(throws: Hex.DecodeError.oddLength(3)) { try Hex.decode("abc") }
        #expect(throws: Hex.DecodeError.invalidCharacter(offset: 1)) { try Hex.decode("0g") }
        #expect(throws: Hex.DecodeError.wrongLength(expected: 2, actual: 1)) { try Hex.decode("00", count: 2) }
    }
}
