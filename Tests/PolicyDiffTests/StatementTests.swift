@testable import PolicyDiff
import Testing

/// How one sentence is read: who acts, what is denied, which rights it gives, and on what basis.
/// Each sentence here is of a kind the classifier once misread.
@Suite struct StatementTests {
    func statement(_ text: String) throws -> Statement {
        let statements = Statement.read(vocabulary: .standard, text)
        try #require(statements.count == 1, "\(statements.map(\.text))")
        return statements[0]
    }

    @Test func sentencesEndAtAStopBeforeASpaceOnly() {
        let statements = Statement.read(vocabulary: .standard, "We use e.g. cookies. See mozilla.org/opt-out for 3.5 days; you may object. Done")
        #expect(statements.map(\.text) == ["We use e.g. cookies.", "See mozilla.org/opt-out for 3.5 days;", "you may object.", "Done"])
    }

    @Test func aDenialScopesThePracticeItStandsBefore() throws {
        #expect(try statement("We do not sell personal data.").deniedPractices == ["sell"])
        #expect(try statement("Quillmate never sells personal data, nor shares it for advertising.").deniedPractices == ["sell", "share"])
        #expect(try statement("We sell no data to anyone.").deniedPractices == ["sell"])
        #expect(try statement("We do not collect or sell your location.").deniedPractices == ["collect", "sell"])
        // A denial of another verb denies no practice: "do not generally prohibit use".
        #expect(try statement("We do not generally prohibit use of the Service for advertising.").deniedPractices.isEmpty)
        // "Do Not Track" is a name.
        #expect(try statement("\"Do Not Track\" is a preference you can set to tell services not to follow you.").deniedPractices
            == ["track"])
        #expect(try statement("Browsers may send a Do Not Track signal to sites you visit.").deniedPractices.isEmpty)
    }

    @Test func aPromiseIsADenialOfSomethingAdverse() throws {
        #expect(try statement("We process them only to run the Service, and never mine them for advertising.").isAdversePromise)
        #expect(try statement("We never sell your data.").isAdversePromise)
        #expect(try !statement("We do not collect your precise location.").isAdversePromise)
        #expect(try statement("Don’t share your password with anyone.").actor == .user)
    }

    @Test func rightsAreGivenToUsersWithAWordOfPermission() throws {
        #expect(try statement("You can delete your uploaded screenshots at any time.").grantsRights)
        #expect(try statement("Users have the right to object to processing.").grantsRights)
        #expect(try statement("We also honour the Global Privacy Control signal.").grantsRights)
        #expect(try statement("To exercise your rights, you or your authorized agent may submit a request.").grantsRights)
        // A cookie table's row and a company's own options give Users nothing.
        #expect(try !statement("This cookie is used for access control and first-party analytics.").grantsRights)
        #expect(try !statement("We will provide individuals with opt-out or opt-in choice as appropriate.").grantsRights)
    }

    @Test func theObjectOfARightIsWhatItAppliesTo() throws {
        #expect(try statement("You can delete your uploaded screenshots at any time.").rightObjects["delete"]
            == ["uploaded", "screenshots"])
        #expect(try statement("You may opt out of Google Analytics tracking.").rightObjects["opt out"]
            == ["google", "analytics", "tracking"])
        #expect(try statement("We honour the Global Privacy Control signal.").rightObjects["privacy signal"] == nil)
    }

    @Test func theConsentBasisIsOptInOrOptOut() throws {
        #expect(try statement("We train models on your notes only if you opt in, which is off by default.").basis == .optIn)
        #expect(try statement("We train models on your notes unless you opt out, which is on by default.").basis == .optOut)
        #expect(try statement("We train models on your notes.").basis == nil)
    }

    @Test func adversePurposesAndRecipientsAreNamed() throws {
        let sharing = try statement("We share device identifiers with advertising partners for targeted ads.")
        #expect(sharing.practices.contains("share"))
        #expect(sharing.recipients == ["advertising partners"])
        #expect(sharing.purposes.isSuperset(of: ["targeted", "ads"]))
        #expect(sharing.actor == .company)
        // Authorship is no advertising.
        #expect(try statement("Give attribution to the authors of the content you reuse.").purposes.isEmpty)
    }

    /// "target you with online marketing" is advertising; "our target audience" is not.
    @Test func targetingUsersIsAPurpose() throws {
        let promise = try statement("We do not use these cookies to target you with online marketing.")
        #expect(promise.purposes == ["target"])
        #expect(promise.isAdversePromise)
        #expect(try statement("Our target audience is small teams.").purposes.isEmpty)
    }

    /// "these cookies" points back at what the clause is about; "functional cookies" names it.
    @Test func aPromiseAboutTheseIsAboutItsOwnClause() throws {
        #expect(try statement("We do not use these cookies to target you with online marketing.").focusIsContextual)
        let named = try statement("We do not use functional cookies to target you with online marketing.")
        #expect(!named.focusIsContextual)
        #expect(named.focus == ["functional", "cookies"])
    }

    /// Marketing is no new purpose by being named, but a promise not to use data for it is adverse to
    /// withdraw; so is a partner's promise not to use data for anything else.
    @Test func promisesNameWhatTheyDeny() throws {
        let marketing = try statement("These cookies do not gather information about you for marketing purposes.")
        #expect(marketing.deniedPurposes == ["marketing"])
        #expect(marketing.isAdversePromise)
        #expect(try statement("We send marketing emails to customers.").purposes.isEmpty)
        let vendors = try statement("The Service Providers are obligated not to disclose or use it for any other purpose.")
        #expect(vendors.actor == .partner)
        #expect(vendors.deniedPractices == ["share", "use"])
        #expect(vendors.isAdversePromise)
    }

    @Test func periodsAreInDays() throws {
        #expect(try statement("We keep chat transcripts for 2 years.").periods == [730])
        #expect(try statement("We keep them indefinitely.").periods == [.infinity])
    }
}
