/// A command as its help describes it: what it does, what it takes, and the commands under it.
///
/// A declared value rather than reflected properties: the runtime never has to look up what a
/// command's fields conform to, which cost ArgumentParser 17 million instructions at every start.
public struct CommandSpec: Sendable, Equatable {
    public let name: String
    public let abstract: String
    public let discussion: String?
    public let parameters: [Parameter]
    public let subcommands: [CommandSpec]

    public init(_ name: String, abstract: String, discussion: String? = nil, parameters: [Parameter] = [],
                subcommands: [CommandSpec] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.parameters = parameters
        self.subcommands = subcommands
    }

    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }

    func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name && !$0.isArgument }
    }

    var arguments: [Parameter] {
        parameters.filter(\.isArgument)
    }
}
