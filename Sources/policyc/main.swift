import Foundation
import PolicyParser
import PolicyRender

let path = CommandLine.arguments[1]
let data = FileManager.default.contents(atPath: path)!
let doc = PolicyParser.parse(data, path: path)
print(TreeRenderer.render(doc))
