// The reference table Cluebridge ships under version control for the facts no well-kept npm package holds:
// plug/socket types, mains voltage and frequency, driving side, emergency numbers and postcode shapes per country.
//
// Sources (transcribed by hand, checked against each other, compiled 2026-12-01):
//   - plug types, voltage, frequency: IEC World Plugs, https://www.iec.ch/world-plugs (IEC types A-O);
//   - driving side: "Left- and right-hand traffic", Wikipedia, and the UN 1949/1968 road-traffic convention lists;
//   - emergency numbers: "List of emergency telephone numbers", Wikipedia; ITU-T E.161.1 for 112/911;
//   - postcode shapes: Universal Postal Union, Postal addressing systems (S42 / country sheets), and
//     "List of postal codes", Wikipedia.
// A value that is not known is "?", and an unknown fact never rules a country in or out. Admins correct a row
// through the reference corrections (audited and versioned; app/models/reference-data.server.ts), never by
// editing this file on a live system. Columns: ISO 3166-1 alpha-2 | IEC plug types | volts | hertz |
// driving side (L/R) | emergency numbers | postcode shapes (N = digit, A = letter, other characters as written).
export const COUNTRY_FACTS_SOURCE = {
  name: "Cluebridge country facts table",
  sources: ["IEC World Plugs (iec.ch/world-plugs)", "Wikipedia: Left- and right-hand traffic", "Wikipedia: List of emergency telephone numbers", "UPU postal addressing systems"],
  compiled: "2026-12-01",
};

export const COUNTRY_FACTS_TABLE = `
AD | C,F | 230 | 50 | R | 112,110 | AANNN
AE | C,D,G | 230 | 50 | R | 999,112 | ?
AF | C,F | 220 | 50 | R | 119 | NNNN
AG | A,B | 230 | 60 | L | 911,999 | ?
AI | A,B | 110 | 60 | L | 911 | AA-NNNN
AL | C,F | 230 | 50 | R | 112,129 | NNNN
AM | C,F | 230 | 50 | R | 112,911 | NNNN
AO | C | 220 | 50 | R | 112,113 | ?
AQ | ? | ? | ? | ? | ? | ?
AR | C,I | 220 | 50 | R | 911 | NNNN,ANNNNAAA
AS | A,B,F,I | 120 | 60 | R | 911 | NNNNN
AT | C,F | 230 | 50 | R | 112,133 | NNNN
AU | I | 230 | 50 | L | 000,112 | NNNN
AW | A,B,F | 120 | 60 | R | 911 | ?
AX | C,F | 230 | 50 | R | 112 | NNNNN
AZ | C,F | 220 | 50 | R | 112,102 | AANNNN
BA | C,F | 230 | 50 | R | 112,122 | NNNNN
BB | A,B | 115 | 50 | L | 211,911 | AANNNNN
BD | A,C,D,G,K | 220 | 50 | L | 999 | NNNN
BE | C,E | 230 | 50 | R | 112,101 | NNNN
BF | C,E | 220 | 50 | R | 17 | ?
BG | C,F | 230 | 50 | R | 112 | NNNN
BH | G | 230 | 50 | R | 999 | NNN,NNNN
BI | C,E | 220 | 50 | R | 117 | ?
BJ | C,E | 220 | 50 | R | 117 | ?
BL | C,E | 230 | 60 | R | 112,17 | NNNNN
BM | A,B | 120 | 60 | L | 911 | AA NN
BN | G | 240 | 50 | L | 991,993 | AANNNN
BO | A,C | 230 | 50 | R | 110 | ?
BQ | A,B,C,F | 110,127 | 50,60 | R | 911 | ?
BR | C,N | 127,220 | 60 | R | 190,192,193 | NNNNN-NNN
BS | A,B | 120 | 60 | L | 911,919 | ?
BT | C,D,F,G,M | 230 | 50 | L | 113 | NNNNN
BV | ? | ? | ? | ? | ? | ?
BW | D,G,M | 230 | 50 | L | 999 | ?
BY | C,F | 220 | 50 | R | 112,102 | NNNNNN
BZ | A,B,G | 110,220 | 60 | R | 911 | ?
CA | A,B | 120 | 60 | R | 911 | ANA NAN
CC | I | 230 | 50 | L | 000 | NNNN
CD | C,D,E | 220 | 50 | R | 112 | ?
CF | C,E | 220 | 50 | R | 117 | ?
CG | C,E | 230 | 50 | R | 117 | ?
CH | C,J | 230 | 50 | R | 112,117 | NNNN
CI | C,E | 220 | 50 | R | 110,111 | ?
CK | I | 240 | 50 | L | 999 | ?
CL | C,L | 220 | 50 | R | 131,133 | NNNNNNN
CM | C,E | 220 | 50 | R | 117 | ?
CN | A,C,I | 220 | 50 | R | 110,120,119 | NNNNNN
CO | A,B | 110 | 60 | R | 123 | NNNNNN
CR | A,B | 120 | 60 | R | 911 | NNNNN
CU | A,B,C,L | 110,220 | 60 | R | 106 | NNNNN
CV | C,F | 230 | 50 | R | 132,130 | NNNN
CW | A,B | 127 | 50 | R | 911 | ?
CX | I | 230 | 50 | L | 000 | NNNN
CY | G | 230 | 50 | L | 112,199 | NNNN
CZ | C,E | 230 | 50 | R | 112,158 | NNN NN
DE | C,F | 230 | 50 | R | 112,110 | NNNNN
DJ | C,E | 220 | 50 | R | 17 | ?
DK | C,E,F,K | 230 | 50 | R | 112 | NNNN
DM | D,G | 230 | 50 | L | 999 | ?
DO | A,B | 120 | 60 | R | 911 | NNNNN
DZ | C,F | 230 | 50 | R | 17,14 | NNNNN
EC | A,B | 120 | 60 | R | 911 | NNNNNN
EE | C,F | 230 | 50 | R | 112 | NNNNN
EG | C,F | 220 | 50 | R | 122,123 | NNNNN
EH | C,E | 220 | 50 | R | ? | ?
ER | C,L | 230 | 50 | R | ? | ?
ES | C,F | 230 | 50 | R | 112 | NNNNN
ET | C,E,F,L | 220 | 50 | R | 991 | NNNN
FI | C,F | 230 | 50 | R | 112 | NNNNN
FJ | I | 240 | 50 | L | 911 | ?
FK | G | 240 | 50 | L | 999 | AAAA NAA
FM | A,B | 120 | 60 | R | 911 | NNNNN
FO | C,E,F,K | 230 | 50 | R | 112 | NNN
FR | C,E | 230 | 50 | R | 112,17 | NNNNN
GA | C | 220 | 50 | R | ? | ?
GB | G | 230 | 50 | L | 999,112 | AN NAA,ANN NAA,AAN NAA,AANN NAA,ANA NAA,AANA NAA
GD | G | 230 | 50 | L | 911 | ?
GE | C,F | 220 | 50 | R | 112 | NNNN
GF | C,D,E | 220 | 50 | R | 112 | NNNNN
GG | G | 230 | 50 | L | 999,112 | AAN NAA,AANN NAA
GH | D,G | 230 | 50 | R | 112,191 | ?
GI | C,G | 240 | 50 | R | 112,999 | AANN NAA
GL | C,E,F,K | 230 | 50 | R | 112 | NNNN
GM | G | 230 | 50 | R | 117 | ?
GN | C,F,K | 220 | 50 | R | 117 | ?
GP | C,D,E | 230 | 50 | R | 112 | NNNNN
GQ | C,E | 220 | 50 | R | ? | ?
GR | C,F | 230 | 50 | R | 112,100 | NNN NN
GS | ? | ? | ? | ? | ? | AAAA NAA
GT | A,B | 120 | 60 | R | 110,120 | NNNNN
GU | A,B | 110 | 60 | R | 911 | NNNNN
GW | C | 220 | 50 | R | ? | NNNN
GY | A,B,D,G | 240 | 60 | L | 911 | ?
HK | G | 220 | 50 | L | 999 | ?
HM | ? | ? | ? | ? | ? | ?
HN | A,B | 120 | 60 | R | 911 | NNNNN
HR | C,F | 230 | 50 | R | 112,192 | NNNNN
HT | A,B | 110 | 60 | R | 114 | NNNN
HU | C,F | 230 | 50 | R | 112,107 | NNNN
ID | C,F | 230 | 50 | L | 112,110 | NNNNN
IE | G | 230 | 50 | L | 112,999 | ?
IL | C,H,M | 230 | 50 | R | 100,101,112 | NNNNNNN
IM | G | 230 | 50 | L | 999,112 | AAN NAA,AANN NAA
IN | C,D,M | 230 | 50 | L | 112,100 | NNNNNN
IO | ? | ? | ? | ? | ? | AAAA NAA
IQ | C,D,G | 230 | 50 | R | 104 | NNNNN
IR | C,F | 230 | 50 | R | 110,112 | NNNNNNNNNN,NNNNN-NNNNN
IS | C,F | 230 | 50 | R | 112 | NNN
IT | C,F,L | 230 | 50 | R | 112,113 | NNNNN
JE | G | 230 | 50 | L | 999,112 | AAN NAA,AANN NAA
JM | A,B | 110 | 50 | L | 119,110 | ?
JO | B,C,D,F,G,J | 230 | 50 | R | 911 | NNNNN
JP | A,B | 100 | 50,60 | L | 110,119 | NNN-NNNN
KE | G | 240 | 50 | L | 999,112 | NNNNN
KG | C,F | 220 | 50 | R | 102,112 | NNNNNN
KH | A,C,G | 230 | 50 | R | 117,119 | NNNNN,NNNNNN
KI | I | 240 | 50 | L | ? | ?
KM | C,E | 220 | 50 | R | 17 | ?
KN | D,G | 230 | 60 | L | 911 | AANNNN
KP | A,C,F | 220 | 50 | R | ? | ?
KR | C,F | 220 | 60 | R | 112,119 | NNNNN
KW | C,G | 240 | 50 | R | 112 | NNNNN
KY | A,B | 120 | 60 | L | 911 | AAN-NNNN
KZ | C,F | 220 | 50 | R | 112,102 | NNNNNN
LA | A,B,C,E,F | 230 | 50 | R | 191 | NNNNN
LB | A,B,C,D,G | 220 | 50 | R | 112,140 | NNNNN,NNNN NNNN
LC | G | 240 | 50 | L | 911,999 | AANN NNN
LI | C,J | 230 | 50 | R | 112,117 | NNNN
LK | D,G,M | 230 | 50 | L | 119,110 | NNNNN
LR | A,B,C,E,F | 120 | 60 | R | 911 | NNNN
LS | M | 220 | 50 | L | ? | NNN
LT | C,F | 230 | 50 | R | 112 | NNNNN,AA-NNNNN
LU | C,F | 230 | 50 | R | 112,113 | NNNN,A-NNNN
LV | C,F | 230 | 50 | R | 112 | AA-NNNN
LY | C,L | 230 | 50 | R | ? | ?
MA | C,E | 220 | 50 | R | 19,15 | NNNNN
MC | C,D,E,F | 230 | 50 | R | 112 | NNNNN
MD | C,F | 230 | 50 | R | 112 | AANNNN,AA-NNNN
ME | C,F | 230 | 50 | R | 112,122 | NNNNN
MF | C,E | 220 | 60 | R | 112 | NNNNN
MG | C,D,E,J,K | 220 | 50 | R | 117 | NNN
MH | A,B | 120 | 60 | R | 911 | NNNNN
MK | C,F | 230 | 50 | R | 112,192 | NNNN
ML | C,E | 220 | 50 | R | 17 | ?
MM | C,D,F,G | 230 | 50 | R | 199 | NNNNN
MN | C,E | 230 | 50 | R | 102,105 | NNNNN
MO | D,G | 220 | 50 | L | 999 | ?
MP | A,B | 110 | 60 | R | 911 | NNNNN
MQ | C,D,E | 220 | 50 | R | 112 | NNNNN
MR | C | 220 | 50 | R | 117 | ?
MS | A,B | 230 | 60 | L | 911,999 | AAANNNN
MT | G | 230 | 50 | L | 112 | AAA NNNN
MU | C,G | 230 | 50 | L | 112,999 | NNNNN
MV | C,D,G,J,K,L | 230 | 50 | L | 119 | NNNNN
MW | G | 230 | 50 | L | 997 | ?
MX | A,B | 127 | 60 | R | 911 | NNNNN
MY | G | 240 | 50 | L | 999 | NNNNN
MZ | C,F,M | 220 | 50 | L | 119 | NNNN
NA | D,M | 220 | 50 | L | 10111 | NNNNN
NC | C,F | 220 | 50 | R | 17 | NNNNN
NE | A,B,C,D,E,F | 220 | 50 | R | 17 | NNNN
NF | I | 230 | 50 | L | 000 | NNNN
NG | D,G | 240 | 50 | R | 112,199 | NNNNNN
NI | A,B | 120 | 60 | R | 118 | NNNNN
NL | C,F | 230 | 50 | R | 112 | NNNN AA
NO | C,F | 230 | 50 | R | 112 | NNNN
NP | C,D,M | 230 | 50 | L | 100 | NNNNN
NR | I | 240 | 50 | L | ? | ?
NU | I | 230 | 50 | L | ? | ?
NZ | I | 230 | 50 | L | 111 | NNNN
OM | C,G | 240 | 50 | R | 9999 | NNN
PA | A,B | 120 | 60 | R | 911 | NNNN
PE | A,B,C | 220 | 60 | R | 105 | NNNNN
PF | A,B,E | 220 | 60 | R | 17 | NNNNN
PG | I | 240 | 50 | L | ? | NNN
PH | A,B,C | 220 | 60 | R | 911 | NNNN
PK | C,D | 230 | 50 | L | 15,1122 | NNNNN
PL | C,E | 230 | 50 | R | 112,997 | NN-NNN
PM | C,E | 230 | 50 | R | 17 | NNNNN
PN | ? | ? | ? | L | ? | AAAA NAA
PR | A,B | 120 | 60 | R | 911 | NNNNN,NNNNN-NNNN
PS | C,H | 230 | 50 | R | 100,101 | NNN
PT | C,F | 230 | 50 | R | 112 | NNNN-NNN
PW | A,B | 120 | 60 | R | 911 | NNNNN
PY | C | 220 | 50 | R | 911 | NNNN,NNNNNN
QA | D,G | 240 | 50 | R | 999 | ?
RE | C,E | 230 | 50 | R | 112 | NNNNN
RO | C,F | 230 | 50 | R | 112 | NNNNNN
RS | C,F | 230 | 50 | R | 112,192 | NNNNN
RU | C,F | 230 | 50 | R | 112 | NNNNNN
RW | C,J | 230 | 50 | R | 112 | ?
SA | G | 230 | 60 | R | 911,999 | NNNNN,NNNNN-NNNN
SB | G,I | 230 | 50 | L | 999 | ?
SC | G | 240 | 50 | L | 999 | ?
SD | C,D | 230 | 50 | R | 999 | NNNNN
SE | C,F | 230 | 50 | R | 112 | NNN NN
SG | G | 230 | 50 | L | 999,995 | NNNNNN
SH | G | 230 | 50 | L | 999 | AAAA NAA
SI | C,F | 230 | 50 | R | 112,113 | NNNN
SJ | C,F | 230 | 50 | R | 112 | NNNN
SK | C,E | 230 | 50 | R | 112,158 | NNN NN
SL | D,G | 230 | 50 | R | ? | ?
SM | C,F,L | 230 | 50 | R | 112,113 | NNNNN
SN | C,D,E,K | 230 | 50 | R | 17 | NNNNN
SO | C | 220 | 50 | R | ? | AA NNNNN
SR | A,B,C,F | 127 | 60 | L | 115 | ?
SS | C,D | 230 | 50 | R | ? | ?
ST | C,F | 220 | 50 | R | ? | ?
SV | A,B | 120 | 60 | R | 911 | NNNN
SX | A,B | 110 | 60 | R | 911 | ?
SY | C,E,L | 220 | 50 | R | 112,110 | ?
SZ | M | 230 | 50 | L | 999 | ANNN
TC | A,B | 120 | 60 | L | 911,999 | AAAA NAA
TD | C,D,E,F | 220 | 50 | R | 17 | ?
TF | ? | ? | ? | ? | ? | ?
TG | C | 220 | 50 | R | 117 | ?
TH | A,B,C,F,O | 230 | 50 | L | 191,1669 | NNNNN
TJ | C,F | 220 | 50 | R | 112 | NNNNNN
TK | I | 230 | 50 | ? | ? | ?
TL | C,E,F,I | 220 | 50 | L | 112 | ?
TM | B,C,F | 220 | 50 | R | ? | NNNNNN
TN | C,E | 230 | 50 | R | 197,190 | NNNN
TO | I | 240 | 50 | L | 911 | ?
TR | C,F | 230 | 50 | R | 112 | NNNNN
TT | A,B | 115 | 60 | L | 999,990 | NNNNNN
TV | I | 220 | 50 | L | ? | ?
TW | A,B | 110 | 60 | R | 110,119 | NNN,NNNNN,NNNNNN
TZ | D,G | 230 | 50 | L | 112 | NNNNN
UA | C,F | 230 | 50 | R | 112,102 | NNNNN
UG | G | 240 | 50 | L | 999,112 | ?
UM | ? | ? | ? | ? | ? | ?
US | A,B | 120 | 60 | R | 911 | NNNNN,NNNNN-NNNN
UY | C,F,I,L | 220 | 50 | R | 911 | NNNNN
UZ | C,F | 220 | 50 | R | 112,102 | NNNNNN
VA | C,F,L | 230 | 50 | R | 112 | NNNNN
VC | A,C,E,G,I,K | 230 | 50 | L | 911,999 | AANNNN
VE | A,B | 120 | 60 | R | 911 | NNNN
VG | A,B | 110 | 60 | L | 999,911 | AANNNN
VI | A,B | 110 | 60 | L | 911 | NNNNN
VN | A,C,F | 220 | 50 | R | 113,114,115 | NNNNN,NNNNNN
VU | C,G,I | 220 | 50 | R | 112 | ?
WF | C,E | 220 | 50 | R | 17 | NNNNN
WS | I | 230 | 50 | L | 994 | ?
XK | C,F | 230 | 50 | R | 112,192 | NNNNN
YE | A,D,G | 230 | 50 | R | 199 | ?
YT | C,E | 230 | 50 | R | 112 | NNNNN
ZA | C,D,M,N | 230 | 50 | L | 10111,112 | NNNN
ZM | C,D,G | 230 | 50 | L | 999,112 | NNNNN
ZW | D,G | 220 | 50 | L | 999,112 | ?
`;
