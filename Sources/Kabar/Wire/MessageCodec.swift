/// Encodes and decodes datagrams: header plus one message.
public enum MessageCodec {
    /// The datagram for `message` on network `network`. A local error (our bug) if it would not
    /// fit: callers build messages within the limits.
    public static func encode(_ message: Message, network: UInt32) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.write(Wire.magic.0)
        writer.write(Wire.magic.1)
        writer.write(Wire.version)
        writer.write(message.type.rawValue)
        writer.write(network)
        switch message {
        case .beacon(let beacon):
            writer.write(beacon.key.bytes)
            writer.write(beacon.incarnation)
            writer.write(UInt64(clamping: beacon.wallClock.milliseconds))
            writer.write(beacon.storeCount)
            writer.write(beacon.fingerprint)
            writer.write(beacon.flags)
        case .challenge(let cookie), .response(let cookie):
            writer.write(cookie)
        case .announce(let ids), .request(let ids), .blockRequest(let ids), .blockMissing(let ids):
            writer.write(UInt8(ids.count))
            for id in ids { writer.write(id.bytes) }
        case .bulletin(let bytes), .blockData(let bytes):
            writer.write(bytes)
        case .fragment(let fragment):
            writer.write(fragment.id.bytes)
            writer.write(UInt8(fragment.index))
            writer.write(UInt8(fragment.count))
            writer.write(fragment.payload)
        case .fragmentRequest(let id, let missing):
            writer.write(id.bytes)
            writer.write(missing)
        case .sync(let session, let fromInitiator, let payload):
            writer.write(session)
            writer.write(fromInitiator ? UInt8(1) : 0)
            writer.write(payload)
        case .transferRequest(let request):
            writer.write(request.stream)
            writer.write(UInt8(request.ranges.count))
            for range in request.ranges { encode(range, into: &writer) }
            writer.write(UInt8(request.ids.count))
            for id in request.ids { writer.write(id.bytes) }
        case .transferData(let data):
            writer.write(data.stream)
            writer.write(data.seq)
            writer.write(data.isLast ? UInt8(1) : 0)
            for record in data.records {
                writer.write(UInt16(record.count))
                writer.write(record)
            }
        case .transferAck(let ack):
            writer.write(ack.stream)
            writer.write(ack.stop ? UInt8(1) : 0)
            writer.write(UInt8(ack.ranges.count))
            for range in ack.ranges {
                writer.write(range.upperBound)
                writer.write(range.lowerBound)
            }
        }
        precondition(writer.bytes.count <= Wire.datagramBytesMax, "built an oversized \(message.type) datagram")
        return writer.bytes
    }

    /// Decodes a datagram from `network`, rejecting anything malformed with a typed error.
    public static func decode(_ datagram: [UInt8], network: UInt32) throws(WireError) -> Message {
        guard datagram.count <= Wire.datagramBytesMax else { throw .tooLarge(datagram.count) }
        guard datagram.count >= Wire.headerByteCount else { throw .truncated }
        guard datagram[0] == Wire.magic.0, datagram[1] == Wire.magic.1 else { throw .notKabar }
        guard datagram[2] == Wire.version else { throw .unknownVersion(datagram[2]) }
        guard let type = MessageType(rawValue: datagram[3]) else { throw .unknownType(datagram[3]) }
        var reader = ByteReader(datagram, range: 4..<datagram.count)
        do {
            let sender = try reader.readUInt32()
            guard sender == network else { throw WireError.otherNetwork(sender) }
            let message = try decodeBody(type, &reader)
            guard reader.isAtEnd else { throw WireError.malformed("trailing bytes") }
            return message
        } catch let error as WireError {
            throw error
        } catch {
            throw .truncated
        }
    }

    private static func decodeBody(_ type: MessageType, _ reader: inout ByteReader) throws -> Message {
        switch type {
        case .beacon:
            guard reader.remaining == Beacon.byteCount else { throw WireError.malformed("beacon size") }
            let key = AuthorKey(bytes: try reader.readBytes(32))!
            let incarnation = try reader.readUInt32()
            let wall = try reader.readUInt64()
            guard wall <= UInt64(BulletinCodec.timeMax) else { throw WireError.malformed("beacon clock") }
            let count = try reader.readUInt32()
            let fingerprint = try reader.readBytes(Beacon.fingerprintByteCount)
            let flags = try reader.readByte()
            return .beacon(Beacon(
                key: key, incarnation: incarnation, wallClock: UnixTime(milliseconds: Int64(wall)),
                storeCount: count, fingerprint: fingerprint, flags: flags))
        case .challenge:
            return .challenge(cookie: try reader.readUInt64())
        case .response:
            return .response(cookie: try reader.readUInt64())
        case .announce:
            return .announce(try idList(&reader))
        case .request:
            return .request(try idList(&reader))
        case .bulletin:
            guard reader.remaining > 0 else { throw WireError.malformed("empty bulletin") }
            return .bulletin(try reader.readBytes(reader.remaining))
        case .fragment:
            let id = BulletinID(bytes: try reader.readBytes(32))!
            let index = Int(try reader.readByte())
            let count = Int(try reader.readByte())
            guard count >= 2, count <= Fragment.countMax, index < count else { throw WireError.malformed("fragment numbering") }
            // Cut one way only: every piece but the last is exactly `payloadBytesMax`, the last
            // is 1 to `payloadBytesMax`, so pieces from different senders fit together.
            guard index == count - 1 ? reader.remaining > 0 : reader.remaining == Fragment.payloadBytesMax else {
                throw WireError.malformed("fragment piece size")
            }
            return .fragment(Fragment(id: id, index: index, count: count, payload: try reader.readBytes(reader.remaining)))
        case .fragmentRequest:
            let id = BulletinID(bytes: try reader.readBytes(32))!
            let missing = try reader.readUInt16()
            guard missing != 0 else { throw WireError.malformed("fragment request asks for nothing") }
            return .fragmentRequest(id: id, missing: missing)
        case .sync:
            let session = try reader.readUInt32()
            let direction = try reader.readByte()
            guard direction <= 1 else { throw WireError.malformed("sync direction") }
            guard reader.remaining <= Message.syncPayloadBytesMax else { throw WireError.malformed("sync payload over \(Message.syncPayloadBytesMax) bytes") }
            return .sync(session: session, fromInitiator: direction == 1, payload: try reader.readBytes(reader.remaining))
        case .transferRequest:
            return .transferRequest(try decodeTransferRequest(&reader))
        case .transferData:
            return .transferData(try decodeTransferData(&reader))
        case .transferAck:
            return .transferAck(try decodeTransferAck(&reader))
        case .blockRequest:
            return .blockRequest(try idList(&reader))
        case .blockData:
            guard reader.remaining <= AttachmentManifest.blockBytesMax else { throw WireError.malformed("block over 1024 bytes") }
            return .blockData(try reader.readBytes(reader.remaining))
        case .blockMissing:
            return .blockMissing(try idList(&reader))
        }
    }

    // MARK: Bulk transfer (Documentation/Transfer.md)

    private static func encode(_ range: ReconciliationRange, into writer: inout ByteWriter) {
        writer.write((range.lower == nil ? UInt8(0) : 1) | (range.upper == nil ? 0 : 2))
        for bound in [range.lower, range.upper] {
            writer.write(UInt64(bitPattern: bound?.created ?? 0))
            writer.write(bound?.idPrefix ?? 0)
        }
    }

    private static func decodeTransferRequest(_ reader: inout ByteReader) throws -> TransferRequest {
        let stream = try reader.readUInt32()
        let rangeCount = Int(try reader.readByte())
        guard rangeCount <= TransferRequest.rangesMax, reader.remaining >= rangeCount * TransferRequest.rangeByteCount + 1 else {
            throw WireError.malformed("transfer request range count")
        }
        var ranges: [ReconciliationRange] = []
        for _ in 0..<rangeCount {
            let flags = try reader.readByte()
            guard flags & ~3 == 0 else { throw WireError.malformed("transfer range flags") }
            var bounds: [ReconciliationBound] = []
            for _ in 0..<2 {
                bounds.append(ReconciliationBound(created: Int64(bitPattern: try reader.readUInt64()), idPrefix: try reader.readUInt64()))
            }
            let range = ReconciliationRange(lower: flags & 1 != 0 ? bounds[0] : nil, upper: flags & 2 != 0 ? bounds[1] : nil)
            guard range.isValid else { throw WireError.malformed("empty transfer range") }
            ranges.append(range)
        }
        let idCount = Int(try reader.readByte())
        guard idCount <= TransferRequest.idsMax, reader.remaining == idCount * 32, idCount + rangeCount > 0 else {
            throw WireError.malformed("transfer request id list")
        }
        var ids: [BulletinID] = []
        for _ in 0..<idCount { ids.append(BulletinID(bytes: try reader.readBytes(32))!) }
        return TransferRequest(stream: stream, ranges: ranges, ids: ids)
    }

    private static func decodeTransferData(_ reader: inout ByteReader) throws -> TransferData {
        let stream = try reader.readUInt32()
        let seq = try reader.readUInt32()
        let flags = try reader.readByte()
        guard flags & ~1 == 0 else { throw WireError.malformed("transfer data flags") }
        var records: [[UInt8]] = []
        while !reader.isAtEnd {
            let length = Int(try reader.readUInt16())
            guard length > 0, length <= reader.remaining else { throw WireError.malformed("transfer record length") }
            records.append(try reader.readBytes(length))
        }
        guard !records.isEmpty || flags & 1 != 0 else { throw WireError.malformed("transfer data carries nothing") }
        return TransferData(stream: stream, seq: seq, isLast: flags & 1 != 0, records: records)
    }

    private static func decodeTransferAck(_ reader: inout ByteReader) throws -> TransferAck {
        let stream = try reader.readUInt32()
        let flags = try reader.readByte()
        guard flags & ~1 == 0 else { throw WireError.malformed("transfer ack flags") }
        let count = Int(try reader.readByte())
        guard count <= TransferAck.rangesMax, reader.remaining == count * 8, count > 0 || flags & 1 != 0 else {
            throw WireError.malformed("transfer ack ranges")
        }
        var ranges: [ClosedRange<UInt32>] = []
        var floor = UInt32.max
        for index in 0..<count {
            let last = try reader.readUInt32()
            let first = try reader.readUInt32()
            // Newest first, not touching: each range ends below the previous one's start.
            guard first <= last, index == 0 || last < floor else { throw WireError.malformed("transfer ack ranges out of order") }
            floor = first
            ranges.append(first...last)
        }
        return TransferAck(stream: stream, stop: flags & 1 != 0, ranges: ranges)
    }

    private static func idList(_ reader: inout ByteReader) throws -> [BulletinID] {
        let count = Int(try reader.readByte())
        guard count >= 1, count <= Message.idsMax, reader.remaining == count * 32 else {
            throw WireError.malformed("id list size")
        }
        var ids: [BulletinID] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(BulletinID(bytes: try reader.readBytes(32))!) }
        return ids
    }
}
