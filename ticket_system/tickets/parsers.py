import json

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus a 400 (not a 500) for JSON nested too deeply to decode, and for text
    that is not Unicode: a lone surrogate (`"\\ud800"`) decodes into Python, but no database stores
    it and no response can carry it back as UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode()
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None
        except UnicodeEncodeError:
            raise exceptions.ParseError("JSON parse error - a \\u escape names half of a surrogate pair, "
                                        "which is not a character.") from None
        return data
