import Testing

@testable import KabarNode

@Suite("Line editor")
struct LineEditorTests {
    @Test func typingRedrawsPromptAndText() {
        var editor = LineEditor(prompt: "kabar> ")
        let (bytes, action) = editor.apply(.text("ls"))
        #expect(bytes == "\r\u{1b}[Kkabar> ls")
        #expect(action == .editing)
    }

    @Test func movingLeftPlacesTheCursorWithAnEscape() {
        var editor = LineEditor(prompt: "> ")
        _ = editor.apply(.text("abcd"))
        _ = editor.apply(.left)
        let (bytes, _) = editor.apply(.left)
        #expect(bytes == "\r\u{1b}[K> abcd\u{1b}[2D")
        let (inserted, _) = editor.apply(.text("é"))
        #expect(inserted == "\r\u{1b}[K> abécd\u{1b}[2D")
        let (erased, _) = editor.apply(.backspace)
        #expect(erased == "\r\u{1b}[K> abcd\u{1b}[2D")
        _ = editor.apply(.home)
        #expect(editor.cursor == 0)
        _ = editor.apply(.end)
        #expect(editor.cursor == 4)
    }

    @Test func enterSubmitsAndEmptiesTheLine() {
        var editor = LineEditor(prompt: "> ")
        _ = editor.apply(.text("read 1"))
        let (bytes, action) = editor.apply(.enter)
        #expect(bytes == "\r\n")
        #expect(action == .submit("read 1"))
        #expect(editor.buffer.isEmpty)
        _ = editor.apply(.historyPrevious)
        #expect(String(editor.buffer) == "read 1")
    }

    @Test func anEventIsWrittenAboveTheLineBeingTyped() {
        var editor = LineEditor(prompt: "kabar> ")
        _ = editor.apply(.text("hal"))
        _ = editor.apply(.left)
        let bytes = editor.bytesShowing("* peer joined: 10.0.0.7:4747")
        #expect(bytes == "\r\u{1b}[K* peer joined: 10.0.0.7:4747\r\nkabar> hal\u{1b}[1D".replacingOccurrences(of: "kabar> ", with: "\r\u{1b}[Kkabar> "))
    }

    @Test func controlKeysCancelEraseAndQuit() {
        var editor = LineEditor(prompt: "> ")
        _ = editor.apply(.text("abc"))
        #expect(editor.apply(.eraseLine).bytes == "\r\u{1b}[K> ")
        _ = editor.apply(.text("x"))
        #expect(editor.apply(.cancel) == ("^C\r\n", .cancelled))
        #expect(editor.apply(.endOfInput).action == .quit)
        _ = editor.apply(.text("y"))
        #expect(editor.apply(.endOfInput).action == .editing)
    }

    @Test func theDecoderReadsArrowsUTF8SplitAcrossReadsAndControlKeys() {
        var decoder = KeyDecoder()
        #expect(decoder.keys(from: [0x1b, 0x5b]) == [])
        #expect(decoder.keys(from: [0x44, 0x61, 0xc3]) == [.left, .text("a")])
        #expect(decoder.keys(from: [0xa9, 0x62, 0x0d, 0x0a, 0x03, 0x04, 0x7f]) == [.text("éb"), .enter, .cancel, .endOfInput, .backspace])
        #expect(decoder.keys(from: Array("\u{1b}[3~\u{1b}[A\u{1b}OH".utf8)) == [.delete, .historyPrevious, .home])
    }

    @Test func aTerminalSessionPostsAndRedrawsAroundEvents() {
        var output = ""
        let backend = FakeReplBackend()
        let driver = ReplDriver(backend: backend, language: .english, interactive: true) { output += $0 }
        driver.start()
        driver.receive(Array("post\rwarga\rJudul\rsatu\r".utf8))
        output = ""
        driver.receive(Array("du".utf8))
        driver.show(.peerJoined("10.0.0.7:4747"))
        #expect(output.hasSuffix("\r\u{1b}[K* peer joined: 10.0.0.7:4747\r\n\r\u{1b}[K| du"))
        driver.receive(Array("a\r.\r".utf8))
        #expect(backend.bulletins.first?.body == "satu\ndua")
        driver.receive([0x04])
        #expect(driver.finished)
        #expect(output.hasSuffix("Goodbye.\r\n"))
    }
}
