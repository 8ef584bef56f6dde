import KabarCrypto

// On-disk format of the store's log. The full picture, with diagrams, is in
// Documentation/Store.md; the short form:
//
// Segment file `segment-NNNNNN.log`:
//
//   +---------------------+---------------------+--------+--------+-----
//   | segment header (32) | segment header copy | record | record | ...
//   +---------------------+---------------------+--------+--------+-----
//
// Segment header (little-endian):
//
//    0          8        10       12       16               24       28       32
//   +----------+--------+--------+--------+----------------+--------+--------+
//   | KABARSEG | ver=1  | zero   | number | salt (random)  | zero   | crc32c |
//   +----------+--------+--------+--------+----------------+--------+--------+
//
// Record (little-endian):
//
//    0        4      5      6        8          12         16
//   +--------+------+------+--------+----------+----------+-------------------+
//   | "KBRC" | type | zero | zero   | length   | crc32c   | payload (length)  |
//   +--------+------+------+--------+----------+----------+-------------------+
//
//   crc32c = CRC32C(salt as 8 LE bytes ++ bytes 0..<12 ++ payload)
//
// The salt is drawn at random when the segment is made, so a record frame copied into a
// bulletin's body (which anyone can write) never checks out when recovery resynchronises
// through that body.

/// The byte layout of segments and records, and the pure code that writes and checks them.
enum LogFormat {
    /// "KABARSEG".
    static let segmentMagic: [UInt8] = Array("KABARSEG".utf8)
    /// The segment format version this code writes and reads.
    static let segmentVersion: UInt16 = 1
    /// One copy of the segment header.
    static let segmentHeaderBytes = 32
    /// Where the first record starts: after both header copies.
    static let firstRecordOffset = 2 * segmentHeaderBytes
    /// "KBRC" as a little-endian word.
    static let recordMagic: UInt32 = 0x4352_424B
    /// A record's header.
    static let recordHeaderBytes = 16
    /// No payload is larger: a bulletin is at most 16 KiB, so this is a generous bound that
    /// stops a corrupted length from asking for gigabytes.
    static let recordPayloadBytesMax = 1 << 20

    /// The segment header: 32 bytes, written twice.
    static func segmentHeader(number: UInt32, salt: UInt64) -> [UInt8] {
        var bytes = segmentMagic
        appendLittleEndian(&bytes, segmentVersion)
        appendLittleEndian(&bytes, UInt16(0))
        appendLittleEndian(&bytes, number)
        appendLittleEndian(&bytes, salt)
        appendLittleEndian(&bytes, UInt32(0))
        appendLittleEndian(&bytes, CRC32C.checksum(bytes))
        return bytes + bytes
    }

    /// The (number, salt) of a segment whose file starts with `buffer`, from whichever header
    /// copy checks out; nil when neither does.
    static func parseSegmentHeader(_ buffer: UnsafeRawBufferPointer) -> (number: UInt32, salt: UInt64)? {
        for copy in 0..<2 {
            let start = copy * segmentHeaderBytes
            guard buffer.count >= start + segmentHeaderBytes else { return nil }
            let header = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + segmentHeaderBytes)])
            guard header.prefix(8).elementsEqual(segmentMagic),
                  loadLittleEndian(header, at: 8, as: UInt16.self) == segmentVersion,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: header[0..<28]))
                    == loadLittleEndian(header, at: 28, as: UInt32.self)
            else { continue }
            return (loadLittleEndian(header, at: 12, as: UInt32.self), loadLittleEndian(header, at: 16, as: UInt64.self))
        }
        return nil
    }

    /// One framed record: header then payload.
    static func record(type: UInt8, payload: [UInt8], salt: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(recordHeaderBytes + payload.count)
        appendLittleEndian(&bytes, recordMagic)
        bytes.append(type)
        bytes.append(contentsOf: [0, 0, 0])
        appendLittleEndian(&bytes, UInt32(payload.count))
        var crc = CRC32C()
        withUnsafeBytes(of: salt.littleEndian) { crc.update($0) }
        crc.update(bytes)
        crc.update(payload)
        appendLittleEndian(&bytes, crc.value)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The record starting at `offset` in `buffer`, if its frame and checksum are whole:
    /// its type and the range of its payload.
    static func parseRecord(
        _ buffer: UnsafeRawBufferPointer, at offset: Int, salt: UInt64
    ) -> (type: UInt8, payload: Range<Int>)? {
        guard offset >= 0, buffer.count - offset >= recordHeaderBytes,
              loadLittleEndian(buffer, at: offset, as: UInt32.self) == recordMagic,
              buffer[offset + 5] == 0, buffer[offset + 6] == 0, buffer[offset + 7] == 0
        else { return nil }
        let length = Int(loadLittleEndian(buffer, at: offset + 8, as: UInt32.self))
        let payloadStart = offset + recordHeaderBytes
        guard length <= recordPayloadBytesMax, buffer.count - payloadStart >= length else { return nil }
        var crc = CRC32C()
        withUnsafeBytes(of: salt.littleEndian) { crc.update($0) }
        crc.update(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + 12)]))
        crc.update(UnsafeRawBufferPointer(rebasing: buffer[payloadStart..<(payloadStart + length)]))
        guard crc.value == loadLittleEndian(buffer, at: offset + 12, as: UInt32.self) else { return nil }
        return (buffer[offset + 4], payloadStart..<(payloadStart + length))
    }

    /// The offset of the next record at or after `start` whose frame checks out; nil if none.
    static func nextRecord(_ buffer: UnsafeRawBufferPointer, from start: Int, salt: UInt64) -> Int? {
        var offset = start
        let first = UInt8(truncatingIfNeeded: recordMagic)
        while offset + recordHeaderBytes <= buffer.count {
            if buffer[offset] == first, parseRecord(buffer, at: offset, salt: salt) != nil { return offset }
            offset += 1
        }
        return nil
    }

    static func appendLittleEndian<Integer: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: Integer) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func loadLittleEndian<Integer: FixedWidthInteger>(
        _ buffer: UnsafeRawBufferPointer, at offset: Int, as type: Integer.Type
    ) -> Integer {
        Integer(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Integer.self))
    }
}
