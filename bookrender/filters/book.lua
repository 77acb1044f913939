-- Pandoc filter for bookrender: callouts, in HTML and in Typst.
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

-- In the PDF a caption is kept with what it captions: a table's caption (above it) sticks to the
-- table, and a figure's drawing sticks to its caption (below it): Typst's sticky blocks.
local function sticky(blocks)
  local out = pandoc.Blocks({pandoc.RawBlock("typst", "#block(sticky: true, width: 100%)[")})
  out:extend(blocks)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

local function keep_captions(div)
  if div.classes:includes("tbl-caption") then
    return sticky(div.content)
  end
  if div.classes:includes("book-figure") and #div.content > 1 then
    local last = div.content[#div.content]
    if last.t == "Div" and last.classes:includes("fig-caption") then
      local body = pandoc.Blocks({table.unpack(div.content, 1, #div.content - 1)})
      local out = sticky(body)
      out:insert(last)
      div.content = out
      return div
    end
  end
  return nil
end

function Div(div)
  if FORMAT:match("typst") then
    local kept = keep_captions(div)
    if kept then return kept end
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

function Str(el)
  if not FORMAT:match("typst") then return nil end
  local long_identifier = #el.text > 18 and el.text:match("[%._][%w]")
  if not el.text:match("%-%d") and not long_identifier then return nil end
  local escaped = el.text:gsub(TYPST_SPECIAL, function(c) return "\\" .. c end)
  if long_identifier then
    escaped = escaped:gsub("([%.]+)", "%1#sym.zws;"):gsub("(\\_)", "%1#sym.zws;")
  end
  return pandoc.RawInline("typst", escaped)
end
