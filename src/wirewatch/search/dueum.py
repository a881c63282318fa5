"""The initial-sound rule (두음법칙): how northern and southern Korean spell the same word differently.

South Korean orthography (한글 맞춤법 §10-§12) does not write ㄹ or ㄴ at the start of a word before certain
vowels; North Korean orthography (조선말규범집) keeps them: 로동/노동, 력사/역사, 리/이, 녀성/여성, 락원/낙원.
Folding every word-initial syllable to the southern form makes both spellings one token. No library does this
(it is three lines of Hangul arithmetic), hence by hand.

Hangul syllable = 0xAC00 + (initial * 21 + medial) * 28 + final (Unicode §3.12).
"""

_BASE, _MEDIALS, _FINALS = 0xAC00, 21, 28
_NIEUN, _RIEUL, _IEUNG = 2, 5, 11
# ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ: the i/y vowels before which ㄹ and ㄴ become silent (ㅇ) at the start of a word.
_Y_VOWELS = frozenset({2, 3, 6, 7, 12, 17, 20})


def fold(token: str) -> str:
    """``token`` with its first syllable in the southern form (리 -> 이, 로 -> 노, 녀 -> 여); others unchanged."""
    if not token or not "\uac00" <= token[0] <= "\ud7a3":
        return token
    code = ord(token[0]) - _BASE
    initial, rest = divmod(code, _MEDIALS * _FINALS)
    medial = rest // _FINALS
    if initial == _RIEUL:
        initial = _IEUNG if medial in _Y_VOWELS else _NIEUN
    elif initial == _NIEUN and medial in _Y_VOWELS:
        initial = _IEUNG
    else:
        return token
    return chr(_BASE + initial * _MEDIALS * _FINALS + rest) + token[1:]
