"""The lexer of grammar/wmdsl.lark: its terminals as one regular expression.

Written by `python -m wmdsl.generate` from grammar/wmdsl.lark, syntax/lexgen.py, generate.py. Do not edit."""

# fmt: off
#: The fingerprint of the inputs it was made from (see wmdsl.generate).
INPUTS_SHA256 = 'e8624ff256e417868d108ac532a15a52a5cbbaac8b1e601b3138559e7b5e0fb7'
#: The grammar itself: the parser compares it with the shipped one, without hashing.
GRAMMAR = '// wmdsl v1 surface grammar (LALR(1), contextual lexer).\n//\n// The surface syntax is a small node language: every statement is\n//     keyword argument* { statement* }?\n// or a handoff\n//     source -> target argument* { statement* }?\n// Which keywords exist, where they may appear and what arguments they take\n// is checked by the resolver (src/wmdsl/resolve), not by this grammar. That\n// keeps the grammar conflict-free and lets a misspelt keyword be reported as\n// "unknown keyword `stge`; did you mean `stage`?" instead of a parse error.\n//\n// Statements end at a newline, at `;`, or at the `}` that closes their block.\n// A newline directly after `,` continues the argument list.\n\n// Separators come as one token per run (`_SEP`, blank and comment lines\n// included) and statements are listed inline rather than through a `_stmt`\n// rule: fewer reductions (callbacks into the AST builder) per file.\nstart: _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)?\n\n// Arguments are listed inline (not as an `_arg` rule): one reduction per\n// argument instead of two.\nstatement: WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?\nhandoff: WORD ARROW WORD (WORD | HANDLE | NUMBER | STRING | TEXT | COMMA)* block?\n\nblock: LBRACE _SEP? ((statement | handoff) (_SEP (statement | handoff))* _SEP?)? RBRACE\n\nWORD: /[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*/\nHANDLE: /@[A-Za-z0-9_.\\-]*/\n// A number with an optional unit (`3`, `1.5`, `2d`, `85%`, and also `2days`,\n// so that a wrong unit is reported as such by the resolver).\nNUMBER: /-?[0-9]+(\\.[0-9]+)?(%|[A-Za-z_]+)?/\nTEXT.2: /"""(?:[^"\\\\]|\\\\[\\s\\S]|"(?!""))*"""/\nSTRING: /"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])*"/\nARROW: "->"\nCOMMA: /,(?:[ \\t\\f\\r\\n]|#[^\\r\\n]*)*/\nLBRACE: "{"\nRBRACE: "}"\n// A run of newlines and `;`, with the blanks and comments between them.\n_SEP: /(?:\\r\\n|\\r|\\n|;)(?:[ \\t\\f\\ufeff]*(?:#[^\\r\\n]*)?(?:\\r\\n|\\r|\\n|;))*/\n\nCOMMENT: /#[^\\r\\n]*/\nWHITESPACE: /[ \\t\\f\\ufeff]+/\n%ignore COMMENT\n%ignore WHITESPACE\n'
#: The terminals, each a named group; ignored blanks (WHITESPACE) are skipped before each.
PATTERN = '(?:[ \t\x0c\ufeff]+)*+(?:(?P<TEXT>"""(?:[^"\\\\]|\\\\[\\s\\S]|"(?!""))*""")|(?P<SEP>(?:\r\n|\r|\n|;)(?:[ \t\x0c\ufeff]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|;))*)|(?P<WORD>[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*)|(?P<NUMBER>-?[0-9]+(\\.[0-9]+)?(%|[A-Za-z_]+)?)|(?P<STRING>"(?:[^"\\\\\r\n]|\\\\[^\r\n])*")|(?P<COMMA>,(?:[ \t\x0c\r\n]|#[^\r\n]*)*)|(?P<HANDLE>@[A-Za-z0-9_.\\-]*)|(?P<COMMENT>#[^\r\n]*)|(?P<ARROW>\\->)|(?P<LBRACE>\\{)|(?P<RBRACE>\\})|(?P<unexpected>[\\s\\S]))'
#: What may follow the last token: the ignored blanks.
TAIL = '(?:[ \t\x0c\ufeff]+)*+'
#: Terminals the parser skips.
IGNORE: tuple[str, ...] = ('COMMENT', 'WHITESPACE')
#: The terminal each group of PATTERN matches, by group number (None: a group inside one).
GROUPS: tuple[str | None, ...] = (None, 'TEXT', '_SEP', 'WORD', None, 'NUMBER', None, None, 'STRING', 'COMMA', 'HANDLE', 'COMMENT', 'ARROW', 'LBRACE', 'RBRACE', 'unexpected')
#: Terminals that can hold a line break.
NEWLINE: tuple[str, ...] = ('COMMA', 'COMMENT', 'STRING', 'TEXT', '_SEP')
