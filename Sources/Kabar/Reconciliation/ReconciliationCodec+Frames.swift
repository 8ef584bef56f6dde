/// The codec's larger messages: symbols, results, resend bitmaps and splits.
extension ReconciliationCodec {
    static func encodeSymbols(_ frame: SymbolsFrame, into writer: inout ReconciliationWriter) {
        writer.byte(1)
        var flags: UInt8 = 0
        if frame.fingerprint != nil { flags |= 1 }
        if frame.range.lower != nil { flags |= 2 }
        if frame.range.upper != nil { flags |= 4 }
        writer.byte(flags)
        writer.uint64(frame.salt)
        writer.varint(frame.part)
        if let lower = frame.range.lower { writer.bound(lower) }
        if let upper = frame.range.upper { writer.bound(upper) }
        writer.varint(frame.itemCount)
        if let fingerprint = frame.fingerprint {
            writer.uint64(fingerprint.high)
            writer.uint64(fingerprint.low)
        }
        writer.varint(frame.roundEnd)
        writer.varint(frame.firstIndex)
        writer.varint(frame.symbols.count)
        for (offset, symbol) in frame.symbols.enumerated() {
            writer.uint64(symbol.keySum)
            writer.uint32(symbol.checkSum)
            let expected = expectedCount(index: frame.firstIndex + offset, itemCount: frame.itemCount)
            writer.signedVarint(symbol.count &- expected)
        }
    }

    static func decodeSymbols(_ reader: inout ReconciliationReader) throws(ReconciliationError) -> SymbolsFrame {
        let flags = try reader.byte("symbols flags")
        guard flags & ~7 == 0 else { throw .malformed("unknown symbols flags \(flags)") }
        let salt = try reader.uint64("salt")
        let part = try reader.count("part", max: Reconciliation.partsMax)
        let lower = flags & 2 != 0 ? try reader.bound("lower bound") : nil
        let upper = flags & 4 != 0 ? try reader.bound("upper bound") : nil
        let range = ReconciliationRange(lower: lower, upper: upper)
        guard range.isValid else { throw .malformed("range \(range) is empty") }
        let itemCount = try reader.count("item count", max: Reconciliation.itemsMax)
        var fingerprint: SetFingerprint?
        if flags & 1 != 0 {
            let high = try reader.uint64("fingerprint")
            fingerprint = SetFingerprint(count: itemCount, high: high, low: try reader.uint64("fingerprint"))
        }
        let roundEnd = try reader.count("round end", max: Reconciliation.symbolsMax)
        let firstIndex = try reader.count("first index", max: Reconciliation.symbolsMax)
        let count = try reader.count("symbol count", max: Reconciliation.payloadBytesMax / 13)
        guard firstIndex + count <= roundEnd else {
            throw .malformed("symbols \(firstIndex)..<\(firstIndex + count) run past round end \(roundEnd)")
        }
        guard roundEnd > 0 else { throw .malformed("round end is 0") }
        var symbols: [CodedSymbol] = []
        symbols.reserveCapacity(count)
        for offset in 0..<count {
            let keySum = try reader.uint64("symbol key sum")
            let checkSum = try reader.uint32("symbol checksum")
            let deviation = try reader.signedVarint("symbol count")
            let expected = expectedCount(index: firstIndex + offset, itemCount: itemCount)
            let (value, overflow) = expected.addingReportingOverflow(deviation)
            guard !overflow else { throw .malformed("symbol count overflows") }
            symbols.append(CodedSymbol(keySum: keySum, checkSum: checkSum, count: value))
        }
        return SymbolsFrame(
            salt: salt, part: part, range: range, itemCount: itemCount, fingerprint: fingerprint,
            roundEnd: roundEnd, firstIndex: firstIndex, symbols: symbols)
    }

    static func encodeResult(_ frame: ResultFrame, into writer: inout ReconciliationWriter) {
        writer.byte(4)
        writer.varint(frame.part)
        writer.byte((frame.wantAll ? 1 : 0) | (frame.isList ? 2 : 0) | (frame.giveAll ? 4 : 0))
        writer.varint(frame.frameIndex)
        writer.varint(frame.frameCount)
        writer.varint(frame.keys.count)
        for key in frame.keys { writer.uint64(key) }
        writer.varint(frame.ids.count)
        for id in frame.ids { writer.id(id) }
    }

    static func decodeResult(_ reader: inout ReconciliationReader) throws(ReconciliationError) -> ResultFrame {
        let part = try reader.count("part", max: Reconciliation.partsMax)
        let flags = try reader.byte("result flags")
        guard flags & ~7 == 0, flags.nonzeroBitCount <= 1 else { throw .malformed("bad result flags \(flags)") }
        let frameIndex = try reader.count("frame index", max: Reconciliation.resultFramesMax - 1)
        let frameCount = try reader.count("frame count", max: Reconciliation.resultFramesMax)
        guard frameIndex < frameCount else { throw .malformed("frame \(frameIndex) of \(frameCount)") }
        let keyCount = try reader.count("key count", max: reader.remaining / 8)
        var keys: [UInt64] = []
        keys.reserveCapacity(keyCount)
        for _ in 0..<keyCount { keys.append(try reader.uint64("key")) }
        let idCount = try reader.count("id count", max: reader.remaining / 32)
        var ids: [BulletinID] = []
        ids.reserveCapacity(idCount)
        for _ in 0..<idCount { ids.append(try reader.id("id")) }
        guard flags & 4 == 0 || (keys.isEmpty && ids.isEmpty) else { throw .malformed("a give-all result lists keys or ids") }
        return ResultFrame(
            part: part, wantAll: flags & 1 != 0, isList: flags & 2 != 0, giveAll: flags & 4 != 0, frameIndex: frameIndex,
            frameCount: frameCount, keys: keys, ids: ids)
    }

    static func decodeResend(_ reader: inout ReconciliationReader) throws(ReconciliationError) -> ReconciliationMessage {
        let part = try reader.count("part", max: Reconciliation.partsMax)
        let frameCount = try reader.count("frame count", max: Reconciliation.resultFramesMax)
        var missing: [Int] = []
        for byteIndex in 0..<((frameCount + 7) / 8) {
            let byte = try reader.byte("resend bitmap")
            for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 {
                let index = byteIndex * 8 + bit
                guard index < frameCount else { throw .malformed("resend bit \(index) past frame count \(frameCount)") }
                missing.append(index)
            }
        }
        return .resend(part: part, frameCount: frameCount, missing: missing)
    }

    static func decodeSplit(_ reader: inout ReconciliationReader) throws(ReconciliationError) -> ReconciliationMessage {
        let part = try reader.count("part", max: Reconciliation.partsMax)
        let boundCount = try reader.count("bound count", max: Reconciliation.splitBoundsMax)
        guard boundCount > 0 else { throw .malformed("split with no bounds") }
        var bounds: [ReconciliationBound] = []
        for _ in 0..<boundCount {
            let bound = try reader.bound("split bound")
            if let last = bounds.last, !(last < bound) { throw .malformed("split bounds out of order") }
            bounds.append(bound)
        }
        var counts: [Int] = []
        for _ in 0...boundCount { counts.append(try reader.count("split count", max: Reconciliation.itemsMax)) }
        return .split(part: part, bounds: bounds, counts: counts)
    }
}
