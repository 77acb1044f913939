-- Pandoc filter for bookrender, in HTML and in Typst: cross-references, then callouts, captioned
-- tables and figures, headings' numbering in the PDF, and Typst's text escapes. Two passes, in order
-- (the list returned at the end): references are resolved first, so that a link's text goes through
-- the second pass like the rest of the page's text. Pandoc runs this filter before --citeproc.

-- ----------------------------------------------------------------------------- cross-references
-- Pandoc reads `@tbl-x` as a citation: a Cite element, never inside code. As Quarto's crossref
-- filters do, a Cite of a cross-reference label becomes a reference: in HTML a link, named as the
-- page's table of references says (bookrender/xref.py `references_block`: a raw block of JSON that
-- this pass reads and removes; its `text` is markdown, read with the reader of the page); in Typst
-- a Typst reference, which Typst names from its own numbering.
local REFERENCES_FORMAT = "bookrender-references"
local READER = "markdown-implicit_figures"

local function is_cross_reference(key, prefixes)
  local prefix = key:match("^(%w+)%-.")
  return prefix ~= nil and prefixes[prefix] == true
end

-- The link as pandoc reads `[text](href)` in the page's markdown.
local function reference_link(text, href)
  local blocks = pandoc.read("[" .. text .. "](" .. href .. ")", READER).blocks
  local inlines = #blocks == 1 and blocks[1].content or nil
  if not inlines or #inlines ~= 1 or inlines[1].t ~= "Link" then
    error("bookrender: the reference text '" .. text .. "' does not read as one link")
  end
  return inlines[1]
end

-- In Typst (the PDF) a reference to a numbered target is Typst's own: `#ref(<tbl-x>)` prints "Table 2.1" from
-- the number Typst gave the table (bookrender/templates/book.typ), and `supplement: none` the number alone. The
-- `;` ends the call, so that a bracket or a dot after it stays text. A target Typst does not number (an
-- unnumbered section) stays a link named with its title.
local function typst_label(key)
  if key:match("^[%w_%-%.:]+$") then return "<" .. key .. ">" end
  return 'label("' .. key:gsub('[\\"]', "\\%0") .. '")'
end

local function typst_reference(key, number_only)
  local options = number_only and ", supplement: none" or ""
  return pandoc.RawInline("typst", "#ref(" .. typst_label(key) .. options .. ");")
end

-- The reference to `key` in the page's format: the number alone, or the whole name ("Figure 2.1").
local function reference(key, target, number_only)
  if FORMAT:match("typst") and target.numbered then return typst_reference(key, number_only) end
  return reference_link(number_only and target.number or target.text, target.href)
end

local function read_references(doc)
  local table_ = nil
  local blocks = doc.blocks:walk({
    RawBlock = function(raw)
      if raw.format ~= REFERENCES_FORMAT then return nil end
      table_ = pandoc.json.decode(raw.text, false)
      return {}
    end,
  })
  return table_, blocks
end

local function target_of(references, key)
  local target = references[key]
  if not target then
    error("bookrender: cross-reference '@" .. key .. "' points at no figure, table or section of the book")
  end
  return target
end

local function refuse_grouped(key)
  error("bookrender: write each cross-reference on its own, as @" .. key ..
        " (not inside brackets with other keys or words)")
end

-- A Cite holding cross-references, as the inlines that replace it:
--   @fig-x                -> the reference ("Figure 2.1")
--   -@fig-x               -> the reference, its number alone ("2.1"), as Quarto prints it
--   [@fig-x]              -> the reference, as Quarto prints it
--   @fig-x [@key] / [p 3] -> the reference, then what followed it, as written (pandoc reads the
--                            bracket after an in-text citation as part of the same Cite)
-- Anything else (a cross-reference among other keys, or with words inside the brackets) fails.
local function resolve(cite, references, prefixes)
  local citations, first = cite.citations, cite.citations[1]
  for i, citation in ipairs(citations) do
    if i > 1 and is_cross_reference(citation.id, prefixes) then refuse_grouped(citation.id) end
  end
  if not is_cross_reference(first.id, prefixes) then return nil end
  if #first.prefix > 0 then refuse_grouped(first.id) end
  local target = target_of(references, first.id)
  if first.mode == "AuthorInText" then
    local link = reference(first.id, target, false)
    if #citations == 1 and #first.suffix == 0 then return link end
    if #citations == 1 then  -- the reference, then the words in brackets after it
      local out = pandoc.Inlines({link, pandoc.Space(), pandoc.Str("[")})
      out:extend(first.suffix)
      out:insert(pandoc.Str("]"))
      return out
    end
    if #first.suffix > 0 then refuse_grouped(first.id) end
    local rest = pandoc.Cite(pandoc.Inlines({table.unpack(cite.content, 3)}), {table.unpack(citations, 2)})
    return pandoc.Inlines({link, pandoc.Space(), rest})
  end
  if #citations > 1 or #first.suffix > 0 then refuse_grouped(first.id) end
  return reference(first.id, target, first.mode == "SuppressAuthor")
end

local function cross_references(doc)
  local table_, blocks = read_references(doc)
  if not table_ then return nil end
  local prefixes = {}
  for _, prefix in ipairs(table_.prefixes) do prefixes[prefix] = true end
  doc.blocks = blocks:walk({
    Cite = function(cite) return resolve(cite, table_.targets, prefixes) end,
  })
  return doc
end

-- ----------------------------------------------------------------------------- callouts
local TITLES = {
  ["callout-note"] = "Note", ["callout-tip"] = "Tip", ["callout-warning"] = "Warning",
  ["callout-important"] = "Important", ["callout-caution"] = "Caution",
}
local COLOURS = {
  ["callout-note"] = "#0072B2", ["callout-tip"] = "#009E73", ["callout-warning"] = "#E69F00",
  ["callout-important"] = "#D55E00", ["callout-caution"] = "#CC79A7",
}

local function callout_kind(div)
  for _, class in ipairs(div.classes) do
    if TITLES[class] then return class end
  end
  return nil
end

-- In the PDF a captioned table or figure (bookrender/assemble.py: a div `.book-table` or `.book-figure`
-- holding its caption's div) is a Typst figure that Typst numbers, which `#ref` names (book.typ prints it
-- with its caption, above a table and below a figure, as the HTML does).
local FIGURES = {
  {class = "book-table", caption = "tbl-caption", kind = "table", supplement = "Table"},
  {class = "book-figure", caption = "fig-caption", kind = "image", supplement = "Figure"},
}

-- A caption's blocks as the inline content of Typst's `caption: [...]` (one paragraph, as written).
local function caption_blocks(blocks)
  if #blocks == 1 and blocks[1].t == "Para" then return pandoc.Blocks({pandoc.Plain(blocks[1].content)}) end
  return blocks
end

local function typst_figure(div)
  for _, figure in ipairs(FIGURES) do
    if div.classes:includes(figure.class) then
      local caption, body = nil, pandoc.Blocks({})
      for _, block in ipairs(div.content) do
        if caption == nil and block.t == "Div" and block.classes:includes(figure.caption) then
          caption = block.content
        else
          body:insert(block)
        end
      end
      if caption == nil then
        error("bookrender: the " .. figure.kind .. " '" .. div.identifier .. "' has no caption")
      end
      local out = pandoc.Blocks({pandoc.RawBlock("typst", "#figure(kind: " .. figure.kind .. ", supplement: ["
        .. figure.supplement .. "], numbering: chapter-numbering, caption: [")})
      out:extend(caption_blocks(caption))
      out:insert(pandoc.RawBlock("typst", "])["))
      out:extend(body)
      out:insert(pandoc.RawBlock("typst", "] " .. typst_label(div.identifier)))
      return out
    end
  end
  return nil
end

-- In the PDF Typst numbers the headings (book.typ): those bookrender numbers carry the class `book-numbered`
-- (bookrender/assemble.py); any other heading, wherever it comes from, is unnumbered, as in the HTML.
local NUMBERED = "book-numbered"

local function Header(header)
  if not FORMAT:match("typst") then return nil end
  if header.classes:includes(NUMBERED) then
    header.classes = header.classes:filter(function(class) return class ~= NUMBERED end)
  elseif not header.classes:includes("unnumbered") then
    header.classes:insert("unnumbered")
  end
  return header
end

local function Div(div)
  if FORMAT:match("typst") then
    local figure = typst_figure(div)
    if figure then return figure end
  end
  local kind = callout_kind(div)
  if not kind then return nil end
  local content = div.content
  local title = pandoc.Inlines(TITLES[kind])
  if div.attributes["title"] then
    title = pandoc.Inlines(div.attributes["title"])
  elseif #content > 0 and content[1].t == "Header" then
    title = content[1].content
    content = pandoc.Blocks({table.unpack(content, 2)})
  end
  if FORMAT:match("typst") then
    local blocks = pandoc.Blocks({})
    blocks:insert(pandoc.RawBlock("typst",
      '#block(width: 100%, inset: 8pt, radius: 2pt, fill: luma(246), stroke: (left: 3pt + rgb("'
      .. COLOURS[kind] .. '")), breakable: true)['))
    blocks:insert(pandoc.Para({pandoc.Strong(title)}))
    blocks:extend(content)
    blocks:insert(pandoc.RawBlock("typst", "]"))
    return blocks
  end
  local header = pandoc.Div({pandoc.Plain(title)}, pandoc.Attr("", {"callout-header"}))
  local body = pandoc.Div(content, pandoc.Attr("", {"callout-body"}))
  return pandoc.Div({header, body}, pandoc.Attr(div.identifier, {"callout", kind}, {role = "note"}))
end

-- Typst turns a hyphen before a digit into a minus sign (U+2212), so the PDF's text would
-- read "−17.67" where the HTML reads "-17.67": keep the hyphen-minus by escaping it.
-- Long identifiers (cdasi.regimen.combination.abstract) get break opportunities after their
-- dots and underscores so that they wrap inside narrow table columns instead of overflowing.
local TYPST_SPECIAL = "[\\#%*_`%$<>@=%-+/~%[%]'\"]"

local function Str(el)
  if not FORMAT:match("typst") then return nil end
  local long_identifier = #el.text > 18 and el.text:match("[%._][%w]")
  if not el.text:match("%-%d") and not long_identifier then return nil end
  local escaped = el.text:gsub(TYPST_SPECIAL, function(c) return "\\" .. c end)
  if long_identifier then
    escaped = escaped:gsub("([%.]+)", "%1#sym.zws;"):gsub("(\\_)", "%1#sym.zws;")
  end
  return pandoc.RawInline("typst", escaped)
end

return {
  {Pandoc = cross_references},
  {Div = Div, Header = Header, Str = Str},
}
