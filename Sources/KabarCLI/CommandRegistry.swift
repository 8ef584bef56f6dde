/// A registered command: its spec and how to run it. (A value rather than `any Command.Type`,
/// which both keeps the table `Sendable` and avoids a compiler crash on existential metatypes.)
struct CommandEntry: Sendable {
    let spec: CommandSpec
    let run: @Sendable (ParsedArguments, CommandContext) throws -> Int32

    init<C: Command>(_ command: C.Type) {
        spec = C.spec
        run = { arguments, context in try C.run(arguments, context) }
    }
}

/// Every `kabar` command. Add a new command's type here; help lists them in this order.
enum CommandRegistry {
    static let commands: [CommandEntry] = [
        CommandEntry(VersionCommand.self),
        CommandEntry(InitCommand.self),
        CommandEntry(IDCommand.self),
        CommandEntry(PostCommand.self),
        CommandEntry(ListCommand.self),
        CommandEntry(ShowCommand.self),
        CommandEntry(AttachmentGetCommand.self),
        CommandEntry(ReplyCommand.self),
        CommandEntry(ExportCommand.self),
        CommandEntry(ImportCommand.self),
        CommandEntry(AuthorityAddCommand.self),
        CommandEntry(AuthorityRemoveCommand.self),
        CommandEntry(AuthorityListCommand.self),
        CommandEntry(GrantCommand.self),
        CommandEntry(RetractCommand.self),
        CommandEntry(EditCommand.self),
        CommandEntry(HideCommand.self),
        CommandEntry(BlockCommand.self),
        CommandEntry(BlockListCommand.self),
        CommandEntry(KnownCommand.self),
        CommandEntry(VouchCommand.self),
        CommandEntry(ReachCommand.self),
        CommandEntry(HallsCommand.self),
        CommandEntry(UnblockCommand.self),
        CommandEntry(RunCommand.self),
        CommandEntry(PeersCommand.self),
        CommandEntry(StatusCommand.self),
        CommandEntry(SyncCommand.self),
        CommandEntry(WatchCommand.self),
        CommandEntry(ReloadCommand.self),
        CommandEntry(WebPINCommand.self),
        CommandEntry(CryptoSHA256Command.self),
        CommandEntry(CryptoSHA512Command.self),
        CommandEntry(CryptoEd25519PublicCommand.self),
        CommandEntry(CryptoEd25519SignCommand.self),
        CommandEntry(CryptoEd25519VerifyCommand.self),
        CommandEntry(BenchCryptoCommand.self),
        CommandEntry(BenchSyncCommand.self),
        CommandEntry(BenchSimCommand.self),
        CommandEntry(SimCommand.self),
        CommandEntry(BenchStoreCommand.self),
        CommandEntry(DebugCrashWriterCommand.self),
        CommandEntry(DebugBacklogCommand.self),
    ]
}
