package reply

import (
	"strings"
	"testing"
)

// TestStrip holds replies shaped the way Dutch and English clients write them; each case
// asserts the exact text kept.
func TestStrip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "outlook nl header block",
			in: "Beste Jan,\n\nDank voor uw bericht. Ik bel u morgen.\n\nMet vriendelijke groet,\nAnne de Vries\n\n" +
				"Van: Jan Jansen <jan@example.nl>\nVerzonden: dinsdag 3 december 2026 10:12\nAan: info@groeimeesters.nl\n" +
				"Onderwerp: Klacht over de begeleiding\n\nGeachte heer, mevrouw,\n\nIk wil een klacht indienen.\n",
			want: "Beste Jan,\n\nDank voor uw bericht. Ik bel u morgen.\n\nMet vriendelijke groet,\nAnne de Vries",
		},
		{
			name: "outlook nl with underscore rule",
			in: "[gegrond] Wij passen de planning aan.\r\n\r\n________________________________\r\nVan: Klachten <info@groeimeesters.nl>\r\n" +
				"Verzonden: woensdag 4 december 2026 09:01\r\nAan: Anne de Vries <anne@groeimeesters.nl>\r\nOnderwerp: [KL-2026-0007] Nieuwe klacht\r\n\r\nEr is een nieuwe klacht.\r\n",
			want: "[gegrond] Wij passen de planning aan.",
		},
		{
			name: "outlook en header block with mailto",
			in: "Thanks, I'll look into it.\n\nFrom: Jan Jansen [mailto:jan@example.com]\nSent: Tuesday, December 3, 2026 10:12 AM\n" +
				"To: info@example.com\nSubject: Complaint\n\nHello,\nI am not happy.\n",
			want: "Thanks, I'll look into it.",
		},
		{
			name: "new outlook nl with Datum instead of Verzonden",
			in: "Prima, dank u.\n\nVan: Anne de Vries <anne@groeimeesters.nl>\nDatum: dinsdag, 3 december 2026 om 10:12\n" +
				"Aan: Jan Jansen <jan@example.nl>\nCC: Klachten <info@groeimeesters.nl>\nOnderwerp: RE: [KL-2026-0007] Uw klacht\n\nBeste Jan,\n",
			want: "Prima, dank u.",
		},
		{
			name: "oorspronkelijk bericht separator",
			in: "Hierbij de gevraagde gegevens: mijn klantnummer is 4711.\n\n-----Oorspronkelijk bericht-----\nVan: info@groeimeesters.nl\n" +
				"Verzonden: maandag 2 december 2026 16:00\nAan: jan@example.nl\nOnderwerp: Aanvullende informatie\n\nWilt u uw klantnummer sturen?\n",
			want: "Hierbij de gevraagde gegevens: mijn klantnummer is 4711.",
		},
		{
			name: "original message separator",
			in:   "Works for me.\n\n-----Original Message-----\nFrom: Anne\nSent: Monday\nTo: Jan\nSubject: Meeting\n\nDoes Monday work?\n",
			want: "Works for me.",
		},
		{
			name: "gmail nl attribution",
			in: "Dank voor de snelle reactie.\n\nOp di 3 dec. 2026 om 10:12 schreef Klachten Groeimeesters <info@groeimeesters.nl>:\n\n" +
				"> Beste Jan,\n>\n> Wij hebben uw klacht ontvangen.\n",
			want: "Dank voor de snelle reactie.",
		},
		{
			name: "gmail nl attribution wrapped over two lines",
			in: "Ja, dat klopt.\n\nOp di 3 dec. 2026 om 10:12 schreef Klachtenfunctionaris Groeimeesters <\nklachten@groeimeesters.nl>:\n\n" +
				"> Klopt het dat de sessie op 12 november was?\n",
			want: "Ja, dat klopt.",
		},
		{
			name: "gmail en attribution",
			in: "Yes, that's right.\n\nOn Tue, Dec 3, 2026 at 10:12 AM Jan Jansen <jan@example.com> wrote:\n\n" +
				"> Was the session on November 12?\n",
			want: "Yes, that's right.",
		},
		{
			name: "gmail en attribution wrapped before wrote",
			in: "Confirmed.\n\nOn Tue, Dec 3, 2026 at 10:12 AM Klachtenfunctionaris Groeimeesters <klachten@groeimeesters.nl>\nwrote:\n\n" +
				"> Please confirm.\n",
			want: "Confirmed.",
		},
		{
			name: "gmail attribution after html conversion, quote not marked",
			in:   "Akkoord.\n\nOp wo 4 dec. 2026 om 09:30 schreef Anne de Vries <anne@groeimeesters.nl>:\n\nBeste Jan,\nGaat u akkoord?\n",
			want: "Akkoord.",
		},
		{
			name: "apple mail nl",
			in: "Dat is goed.\n\nOp 3 dec. 2026, om 10:12 heeft Anne de Vries <anne@groeimeesters.nl> het volgende geschreven:\n\n" +
				"> Schikt donderdag?\n",
			want: "Dat is goed.",
		},
		{
			name: "apple mail en",
			in:   "Thursday is fine.\n\n> On 3 Dec 2026, at 10:12, Anne de Vries <anne@example.com> wrote:\n>\n> Does Thursday suit you?\n",
			want: "Thursday is fine.",
		},
		{
			name: "apple mail en unquoted attribution",
			in:   "Thursday is fine.\n\nOn 3 Dec 2026, at 10:12, Anne wrote:\n\n> Does Thursday suit you?\n",
			want: "Thursday is fine.",
		},
		{
			name: "iphone nl signature then attribution",
			in: "Ik ben het er niet mee eens.\n\nVerstuurd vanaf mijn iPhone\n\nOp 3 dec. 2026 om 10:12 heeft Klachten <info@groeimeesters.nl> het volgende geschreven:\n\n" +
				"> Wij achten uw klacht ongegrond.\n",
			want: "Ik ben het er niet mee eens.",
		},
		{
			name: "verzonden vanaf mijn iPhone",
			in:   "Graag een afspraak volgende week.\n\nVerzonden vanaf mijn iPhone",
			want: "Graag een afspraak volgende week.",
		},
		{
			name: "sent from my iPhone",
			in:   "Please call me.\n\nSent from my iPhone\n",
			want: "Please call me.",
		},
		{
			name: "outlook for android nl",
			in: "Prima.\n\nVerzonden vanaf Outlook voor Android<https://aka.ms/AAb9ysg>\n________________________________\nFrom: Anne <anne@groeimeesters.nl>\n" +
				"Sent: Tuesday, December 3, 2026 10:12:00 AM\nTo: Jan <jan@example.nl>\nSubject: Afspraak\n\nSchikt dinsdag?\n",
			want: "Prima.",
		},
		{
			name: "get outlook for android",
			in:   "Noted, thanks.\n\nGet Outlook for Android<https://aka.ms/ghei36>\n",
			want: "Noted, thanks.",
		},
		{
			name: "sent from my galaxy",
			in:   "See you then.\n\n\nSent from my Galaxy\n\n\n-------- Original message --------\nFrom: Anne <anne@example.com>\nDate: 03/12/2026 10:12 (GMT+01:00)\nTo: Jan\nSubject: Appointment\n\nSee you Tuesday?\n",
			want: "See you then.",
		},
		{
			name: "samsung nl signature with period",
			in:   "Klopt.\n\nVerzonden vanaf mijn Samsung Galaxy-smartphone.\n",
			want: "Klopt.",
		},
		{
			name: "thunderbird nl",
			in:   "Hartelijk dank.\n\nOp 03-12-2026 om 10:12 schreef Anne de Vries:\n> Wij hebben een afspraak ingepland.\n",
			want: "Hartelijk dank.",
		},
		{
			name: "thunderbird en bottom posting",
			in:   "On 03/12/2026 10:12, Anne de Vries wrote:\n> Could you send the invoice number?\n\nIt is 2026-118.\n\nKind regards,\nJan",
			want: "It is 2026-118.\n\nKind regards,\nJan",
		},
		{
			name: "dateless thunderbird header above quote",
			in:   "Anne de Vries schreef:\n> Wat is uw factuurnummer?\n\nHet nummer is 2026-118.",
			want: "Het nummer is 2026-118.",
		},
		{
			name: "inline reply keeps own lines",
			in: "Op 3 dec. 2026 om 10:12 schreef Anne de Vries <anne@groeimeesters.nl>:\n> Wat was de datum van de sessie?\n\n12 november.\n\n" +
				"> Wie was de begeleider?\n\nPiet Pietersen.\n\n> Heeft u nog andere opmerkingen?\n\nNee.\n\nGroet,\nJan",
			want: "12 november.\n\nPiet Pietersen.\n\nNee.\n\nGroet,\nJan",
		},
		{
			name: "nested quotes bottom posting",
			in:   ">> Eerste vraag\n> Antwoord daarop\n\nMijn reactie hierop.",
			want: "Mijn reactie hierop.",
		},
		{
			name: "signature delimiter",
			in:   "[intern] Gebeld met klant, opgelost.\n\n-- \nAnne de Vries\nKlachtenfunctionaris\nT 020 123 4567\n",
			want: "[intern] Gebeld met klant, opgelost.",
		},
		{
			name: "greeting and name are kept",
			in:   "[ongegrond] Na onderzoek blijkt de afspraak correct gepland.\n\nMet vriendelijke groet,\n\nAnne de Vries\nKlachtenfunctionaris Groeimeesters",
			want: "[ongegrond] Na onderzoek blijkt de afspraak correct gepland.\n\nMet vriendelijke groet,\n\nAnne de Vries\nKlachtenfunctionaris Groeimeesters",
		},
		{
			name: "gmail forward nl",
			in: "[nieuw] Klacht telefonisch ontvangen, zie hieronder.\n\n---------- Doorgestuurd bericht ---------\nVan: Jan <jan@example.nl>\n" +
				"Date: di 3 dec. 2026 om 10:12\nSubject: Klacht\nTo: <info@groeimeesters.nl>\n\nIk ben ontevreden.\n",
			want: "[nieuw] Klacht telefonisch ontvangen, zie hieronder.",
		},
		{
			name: "apple forward",
			in:   "FYI\n\nBegin forwarded message:\n\nFrom: Jan <jan@example.com>\nSubject: Complaint\n",
			want: "FYI",
		},
		{
			name: "webmail hotmail quoted header",
			in:   "Bedankt.\n\n> Date: Tue, 3 Dec 2026 10:12:00 +0100\n> From: info@groeimeesters.nl\n> Subject: Uw klacht\n>\n> Beste Jan,\n",
			want: "Bedankt.",
		},
		{
			name: "bold outlook header after rule",
			in:   "Akkoord.\n\n ------------------------------\n\n*From:* Anne [mailto:anne@example.com]\n*Sent:* Tuesday, 3 December 2026 10:12\n*To:* jan@example.com\n*Subject:* Plan\n\nBody\n",
			want: "Akkoord.",
		},
		{
			name: "sentence starting with On is not an attribution",
			in:   "On Monday I called your office:\nnobody answered.\n\nPlease call back.",
			want: "On Monday I called your office:\nnobody answered.\n\nPlease call back.",
		},
		{
			name: "dutch Op sentence with date is kept when it does not end with a colon",
			in:   "Op 3 december schreef ik al dat de sessie niet doorging.\nIk hoor graag van u.",
			want: "Op 3 december schreef ik al dat de sessie niet doorging.\nIk hoor graag van u.",
		},
		{
			name: "sent from in prose is kept",
			in:   "Ik heb het formulier ingevuld.\n\nVerzonden vanaf kantoor, want thuis werkt de printer niet.",
			want: "Ik heb het formulier ingevuld.\n\nVerzonden vanaf kantoor, want thuis werkt de printer niet.",
		},
		{
			name: "double dash inside a line is not a delimiter",
			in:   "De afspraak -- zoals besproken -- blijft staan.\n\nGroet, Jan",
			want: "De afspraak -- zoals besproken -- blijft staan.\n\nGroet, Jan",
		},
		{
			name: "own double blank lines survive",
			in:   "Punt een.\n\n\nPunt twee.",
			want: "Punt een.\n\n\nPunt twee.",
		},
		{
			name: "van and aan in prose are not a header block",
			in:   "Van: de afdeling planning\nAan: iedereen die het aangaat\n\nDe sessie is verplaatst.",
			want: "Van: de afdeling planning\nAan: iedereen die het aangaat\n\nDe sessie is verplaatst.",
		},
		{
			name: "only quote gives empty text",
			in:   "Op 3 dec. 2026 om 10:12 schreef Anne <anne@groeimeesters.nl>:\n> Hallo\n",
			want: "",
		},
		{
			name: "empty input",
			in:   "",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Strip(tt.in)
			if got != tt.want {
				t.Errorf("Strip() mismatch\ngot:\n%s\nwant:\n%s", quote(got), quote(tt.want))
			}
		})
	}
}

// quote shows line ends and trailing blanks in failure messages.
func quote(s string) string {
	return "«" + strings.ReplaceAll(s, "\n", "⏎\n") + "»"
}
