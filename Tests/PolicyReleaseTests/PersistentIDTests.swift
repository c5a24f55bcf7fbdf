import Foundation
import PolicyDiff
import PolicyModel
import PolicyParser
import PolicyRelease
import PolicyTestSupport
import Testing

/// Persistent ids (issue 23): an id keeps its meaning across versions, never gets a second one, and
/// `check` reports an archive whose id maps give one two.
@Suite struct PersistentIDTests {
    static let v1 = """
    # Policy

    _Last updated: January 5, 2027_

    ## 1. What We Collect

    We collect your name.

    ## 2. How We Use Personal Data

    We use personal data to run the service.

    We send you emails about your account.

    ## 3. Children

    The service is not meant for children.

    """

    /// The maps of `texts`, released in turn, as `release` makes them.
    static func maps(_ texts: [String]) throws -> [IdentityMap] {
        var maps: [IdentityMap] = []
        var previous: Document?
        for (index, text) in texts.enumerated() {
            var document = PolicyParser.parse(text: text, path: "policy/p.md", analysis: .definedTerms)
            document.id = "p"
            let links = previous.map { old in
                (old, IdentityLineage.links(old: old, new: document, PolicyDiffer.correspondence(from: old, to: document)))
            }
            maps.append(try IdentityLineage.map(for: document, version: "v\(index + 1)", derived: false, history: maps,
                                                previous: links))
            previous = document
        }
        return maps
    }

    static func element(_ map: IdentityMap, at: String) -> IdentityMap.Element? {
        map.elements.first { $0.at == at }
    }

    @Test func anInsertedSectionLeavesEveryOtherIDItsMeaning() throws {
        let v2 = Self.v1.replacing("## 2. How We Use Personal Data", with: """
            ## 2. Our Commitments

            We collect only what the service needs.

            ## 3. How We Use Personal Data
            """).replacing("## 3. Children", with: "## 4. Children")
        let maps = try Self.maps([Self.v1, v2])
        #expect(maps[0].sections.map(\.id) == ["sec-1", "sec-2", "sec-3"], "first publication: the structural ids")
        let inserted = try #require(Self.element(maps[1], at: "sec-2"))
        #expect(inserted.id == "sec-our-commitments", "sec-2 already meant “How We Use”")
        #expect(inserted.aliases == ["2-our-commitments"])
        let use = try #require(Self.element(maps[1], at: "sec-3"))
        #expect(use.id == "sec-2")
        #expect(use.aliases == ["2-how-we-use-personal-data", "3-how-we-use-personal-data"], "both heading slugs")
        #expect(Self.element(maps[1], at: "sec-3.p2")?.id == "sec-2.p2")
        #expect(Self.element(maps[1], at: "sec-2.p1")?.id == "sec-our-commitments.p1")
        #expect(Self.element(maps[1], at: "sec-4")?.id == "sec-3")
    }

    @Test func splitsKeepTheFirstPartAndMergesCarryBothNames() throws {
        let split = Self.v1.replacing("We collect your name.", with: "We collect your name.\n\nWe collect your name.")
            .replacing("We use personal data to run the service.\n\nWe send you emails about your account.",
                       with: "We use personal data to run the service. We send you emails about your account.")
        let maps = try Self.maps([Self.v1, split])
        // Two copies of one clause: the first continues it, the other is new.
        #expect(Self.element(maps[1], at: "sec-1.p1")?.id == "sec-1.p1")
        #expect(Self.element(maps[1], at: "sec-1.p2")?.id == "sec-1.p2")
        let merged = try #require(Self.element(maps[1], at: "sec-2.p1"))
        #expect(Set(merged.names) == ["sec-2.p1", "sec-2.p2"], "\(merged)")
    }

    @Test func aRemovedIDIsNeverGivenAgain() throws {
        let v2 = Self.v1.replacing("## 3. Children\n\nThe service is not meant for children.\n", with: "")
        let v3 = v2 + "## 3. Security\n\nWe encrypt personal data.\n"
        let maps = try Self.maps([Self.v1, v2, v3])
        #expect(!maps[1].names.contains("sec-3"))
        #expect(Self.element(maps[2], at: "sec-3")?.id == "sec-security")
        #expect(Self.element(maps[2], at: "sec-3.p1")?.id == "sec-security.p1")
        #expect(!(Self.element(maps[2], at: "sec-3")?.aliases.contains("3-children") ?? true))
    }

    @Test func aPinnedIDWinsAndTheOldOneStaysAnAlias() throws {
        let pinned = Self.v1.replacing("## 2. How We Use Personal Data", with: "## 2. How We Use Personal Data {: #use }")
        let maps = try Self.maps([Self.v1, pinned])
        let use = try #require(Self.element(maps[1], at: "sec-2"))
        #expect(use.id == "use")
        #expect(use.aliases.first == "sec-2")
        #expect(use.aliases.contains("2-how-we-use-personal-data"))
    }

    @Test func aPinnedIDThatMeansSomethingElseIsRefused() throws {
        let v2 = Self.v1.replacing("## 3. Children\n\nThe service is not meant for children.\n", with: "")
        for (texts, expected) in [
            ([Self.v1, v2, v2.replacing("## 2. How We Use Personal Data", with: "## 2. How We Use Personal Data {: #sec-3 }")],
             "an earlier version's page gave it to another part"),
            ([Self.v1, Self.v1.replacing("## 2. How We Use Personal Data", with: "## 2. How We Use Personal Data {: #sec-1 }")],
             "another part of this version has it"),
        ] {
            #expect {
                _ = try Self.maps(texts)
            } throws: { error in
                "\(error)".contains(expected) && "\(error)".contains("“2. How We Use Personal Data” pins the id")
            }
        }
    }

    @Test func theOwnArchiveDerivesItsStructuralIDs() throws {
        // Released before id maps existed, and never renumbered: every element keeps the id its pages carried.
        let archive = Fixtures.packageRoot.appendingPathComponent("policy/archive/privacy-policy")
        let documents = try ["v1", "v2", "v3"].map { version in
            var document = PolicyParser.parse(text: try String(contentsOf: archive.appendingPathComponent("\(version).md"),
                                                               encoding: .utf8), analysis: .definedTerms)
            document.id = "privacy-policy"
            return document
        }
        let maps = IdentityLineage.maps(documents: documents, versions: ["v1", "v2", "v3"], recorded: [nil, nil, nil],
                                        correspondence: PolicyDiffer.correspondence(from:to:))
        for map in maps {
            #expect(map.derived)
            #expect(map.elements.count > 50)
            #expect(map.elements.allSatisfy { $0.id == $0.at }, "\(map.elements.filter { $0.id != $0.at })")
        }
        #expect(IdentityLineage.maps(documents: documents, versions: ["v1", "v2", "v3"], recorded: [nil, nil, nil],
                                     correspondence: PolicyDiffer.correspondence(from:to:)) == maps, "deterministic")
    }

    // MARK: Through the binary

    func releasedTwice() throws -> URL {
        let root = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("policy"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.packageRoot.appendingPathComponent("policy/policyc.yml"),
                                         to: root.appendingPathComponent("policy/policyc.yml"))
        let draft = root.appendingPathComponent("policy/p.md")
        try Self.v1.write(to: draft, atomically: true, encoding: .utf8)
        #expect(try Fixtures.policyc(["release", "p", "--date", "2027-01-05"], in: root).status == 0)
        try Self.v1.replacing("## 3. Children\n\nThe service is not meant for children.\n", with: "")
            .write(to: draft, atomically: true, encoding: .utf8)
        // Removing a section is material: it needs release notes.
        try "The section on children is gone.\n".write(to: root.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
        let second = try Fixtures.policyc(["release", "p", "--date", "2027-02-05", "--notes", "notes.md"], in: root)
        #expect(second.status == 0, "\(second.stderr)")
        return root
    }

    func check(_ root: URL) throws -> ProcessResult {
        try Fixtures.policyc(["check", "--today", "2027-06-01"], in: root)
    }

    @Test func releaseRecordsAMapPerVersionAndCheckAcceptsIt() throws {
        let root = try releasedTwice()
        defer { try? FileManager.default.removeItem(at: root) }
        let v2 = try JSONDecoder().decode(IdentityMap.self, from: Data(contentsOf: root.appendingPathComponent(
            "policy/archive/p/v2.ids.json")))
        #expect(v2.version == "v2" && !v2.derived)
        #expect(v2.sections.map(\.id) == ["sec-1", "sec-2"])
        let result = try check(root)
        #expect(result.status == 0, "\(result.stdout)")

        // A pinned id that meant the removed Children section is refused, and nothing is written.
        let draft = root.appendingPathComponent("policy/p.md")
        try String(contentsOf: draft, encoding: .utf8).replacing("## 2. How We Use Personal Data",
                                                                  with: "## 2. How We Use Personal Data {: #sec-3 }")
            .write(to: draft, atomically: true, encoding: .utf8)
        let refused = try Fixtures.policyc(["release", "p", "--date", "2027-03-08", "--notes", "notes.md"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("pins the id sec-3"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("policy/archive/p/v3.md").path))
    }

    @Test func checkReportsAnIDWithTwoMeanings() throws {
        let root = try releasedTwice()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("policy/archive/p/v2.ids.json")
        let original = try String(contentsOf: path, encoding: .utf8)
        for (tampered, expected) in [
            // The two sections swap ids: each id now denotes the other's words.
            (original.replacing("\"id\" : \"sec-1\"", with: "\"id\" : \"X\"").replacing("\"id\" : \"sec-2\"", with: "\"id\" : \"sec-1\"")
                .replacing("\"id\" : \"X\"", with: "\"id\" : \"sec-2\""),
             "sec-1 denoted “1. What We Collect” in v1, but v2 gives it to “2. How We Use Personal Data”"),
            // The removed Children section's id comes back on a clause.
            (original.replacing("\"id\" : \"sec-2.p2\"", with: "\"id\" : \"sec-3\""),
             "sec-3 denoted “3. Children” in v1, but v2 gives it to “We send you emails about your account.”"),
            // Two elements of one version share a name.
            (original.replacing("\"id\" : \"sec-2.p2\"", with: "\"id\" : \"sec-2.p1\""), "sec-2.p1 names two parts of v2"),
        ] {
            try tampered.write(to: path, atomically: true, encoding: .utf8)
            let result = try check(root)
            #expect(result.status == 1)
            #expect(result.stdout.contains("policy/archive/p/v2.ids.json: error: \(expected)"), "\(result.stdout)")
            #expect(result.stdout.contains("[archive-id-meaning]"))
        }
        try "{\"format\": \"something else\"}".write(to: path, atomically: true, encoding: .utf8)
        let unreadable = try check(root)
        #expect(unreadable.status == 1)
        #expect(unreadable.stdout.contains("v2.ids.json: error:") && unreadable.stdout.contains("[archive-ids]"), "\(unreadable.stdout)")
    }
}
