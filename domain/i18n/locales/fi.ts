/** Suomi. Liiketoimintakieltä, kuten suomalainen myyjä sen kirjoittaisi. */
import { CONTENT, type Catalogue } from '../catalogue';
import type { MessageId } from './en';

export const fi = {
  locale: 'fi',
  direction: 'ltr',
  messages: {
    'lead.greeting': '{hasFirstName, select, yes {Hei {firstName},} other {Hei,}}',
    'lead.signature': 'Ystävällisin terveisin\n{repName}',

    'first-touch': {
      subject: 'Kiitos yhteydenotostasi{hasFirstName, select, yes {, {firstName}} other {}}',
      body: [
        '{fromTeam, select, yes {kiitos, että otit meihin yhteyttä. Tässä {repName}: viestisi on tallessa, ja kuulisimme mielellämme lisää tarpeistanne{hasCompany, select, yes { sekä siitä, mitä yrityksessä {company} on parhaillaan työn alla} other {}}.} other {kiitos, että otit meihin yhteyttä. Olen {repName}, ja toimin yhteyshenkilönäsi. Viestisi on tallessa, ja kuulisin mielelläni lisää tarpeistanne{hasCompany, select, yes { sekä siitä, mitä yrityksessä {company} on parhaillaan työn alla} other {}}.}}',
        'Milloin sinulle sopisi lyhyt puhelu? Vastaa tähän viestiin sinulle sopivalla ajalla.',
      ],
    },

    'attempt-follow-up': {
      subject: 'Palaan asiaan{hasFirstName, select, yes {, {firstName}} other {}}',
      body: [
        'Yritin tavoittaa sinua pyyntösi tiimoilta. Sopisiko sinulle 15 minuutin puhelu tällä viikolla? Vastaa vain tähän viestiin sopivalla ajalla.',
      ],
    },
    'attempt-last-chance': {
      subject: 'Suljenko pyyntösi{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'En ole saanut sinua kiinni. Jos ajankohta ei nyt sovi, ei hätää — vastaa ”myöhemmin”, niin palaan asiaan muutaman kuukauden päästä.',
      ],
    },
    'nurture-info-pack': {
      subject: 'Pyytämäsi tietopaketti{hasFirstName, select, yes {, {firstName}} other {}}',
      body: [
        'Kuten lupasin, tässä tietopakettimme{hasCompany, select, yes { niine osineen, jotka koskevat eniten yritystä {company}} other {}}: mitä tuote tekee, mitä se maksaa ja miten ensimmäinen projekti etenee.',
        { label: 'Lataa tietopaketti', url: `${CONTENT}/information-pack.pdf` },
      ],
    },
    'nurture-week-1': {
      subject: 'Näin kaltaisesi yritys pääsi alkuun',
      body: [
        'Lyhyt asiakastarina: mikä ongelma heillä oli, mitä he kokeilivat ensin ja mikä muuttui kolmen ensimmäisen kuukauden aikana.',
        { label: 'Lue tarina', url: `${CONTENT}/customer-story` },
      ],
    },
    'nurture-week-2': {
      subject: 'Käytännön opas ensimmäisiin askeliin',
      body: [
        'Vaiheittainen opas, jonka avulla asiakkaamme saavat ensimmäiset tulokset viikossa — ja sudenkuopat, joita kannattaa välttää.',
        { label: 'Avaa opas', url: `${CONTENT}/first-steps-guide` },
      ],
    },
    'nurture-week-3': {
      subject: 'Tarkistuslista vaihtoehtojen vertailuun',
      body: [
        'Kun vertailet vaihtoehtoja, nämä kymmenen kysymystä kannattaa esittää jokaiselle toimittajalle — myös meille.',
        { label: 'Hae tarkistuslista', url: `${CONTENT}/vendor-checklist` },
      ],
    },
    'nurture-week-4': {
      subject: 'Auttaisiko lyhyt esittely{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'Jos haluat nähdä ratkaisun omilla tiedoillasi, voin näyttää sen 30 minuutissa. Vastaa sinulle sopivalla ajalla.',
      ],
    },
    'nurture-week-5': {
      subject: 'Mitä asiakkaamme mittasivat ensimmäisen neljänneksen aikana',
      body: [
        'Luvut kolmelta kaltaiseltanne asiakkaalta: säästetty aika, vältetyt virheet ja ensimmäisen neljänneksen kustannukset.',
        { label: 'Lue tulokset', url: `${CONTENT}/customer-results` },
      ],
    },
    'nurture-education-problem': {
      subject: 'Viisi merkkiä siitä, että prosessi maksaa enemmän kuin sen pitäisi',
      body: [
        'Lyhyt artikkeli varhaisista varoitusmerkeistä — päällekkäisestä työstä, liian myöhään tulevista vastauksista ja liian moneen paikkaan hajautuneesta tiedosta — sekä siitä, miten kunkin hinnan voi laskea omassa organisaatiossa.',
        { label: 'Lue artikkeli', url: `${CONTENT}/warning-signs` },
      ],
    },
    'nurture-education-guide': {
      subject: 'Näin muut ratkaisevat saman ongelman: käytännön opas',
      body: [
        'Käytännön opas toimialasi yritysten eri lähestymistapoihin: mitä kukin vaatii henkilöstöltä ja järjestelmiltä ja mistä kannattaa aloittaa.',
        { label: 'Avaa opas', url: `${CONTENT}/approaches-guide` },
      ],
    },
    'nurture-education-report': {
      subject: 'Missä toimiala menee: vuosiraporttimme',
      body: [
        'Yli 300 yritystä kattava vuosittainen kyselymme: mitkä käytännöt ovat vakiintumassa, mitä ne ovat muuttaneet niiden käyttöön ottaneissa yrityksissä ja mitä edelläkävijät suunnittelevat seuraavaksi.',
        { label: 'Lue raportti', url: `${CONTENT}/industry-report` },
      ],
    },
    'nurture-evaluation-comparison': {
      subject: 'Vaihtoehdot rinnakkain vertailtuina',
      body: [
        'Jos punnitset vaihtoehtoja, tämä vertailu asettaa keskeiset lähestymistavat rinnakkain — oma kehitys, yleiskäyttöinen työkalu tai meidän kaltaisemme erikoistunut ratkaisu — kustannusten, tulosten aikataulun ja riskien osalta.',
        { label: 'Katso vertailu', url: `${CONTENT}/comparison` },
      ],
    },
    'nurture-evaluation-case-study': {
      subject: 'Asiakastapaus: miten yksi asiakkaamme valitsi ja mitä se sai aikaan',
      body: [
        'Miten kaltaisesi kokoinen yritys arvioi kolme toimittajaa, miksi se valitsi meidät ja mitä tuloksia se mittasi puolen vuoden jälkeen — myös se, mitä se tekisi nyt toisin.',
        { label: 'Lue asiakastapaus', url: `${CONTENT}/case-study` },
      ],
    },
    'nurture-evaluation-pricing': {
      subject: 'Hintamme ja ensimmäisen vuoden kokonaiskustannus',
      body: [
        'Hinnastomme sekä laskettu esimerkki ensimmäisen vuoden kokonaiskustannuksista: lisenssit, käyttöönotto ja tuki. Piilokuluja ei ole; jos jokin jää epäselväksi, vastaa vain tähän viestiin.',
        { label: 'Katso hinnat', url: `${CONTENT}/pricing` },
      ],
    },
    'nurture-decision-demo': {
      subject: 'Esittely omalla tapauksellanne{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'Näytän mielelläni 45 minuutissa, miten ratkaisu toimisi{hasCompany, select, yes { yrityksessä {company}} other { teillä}} omilla tiedoillanne ja prosesseillanne. Vastaa kahdella tai kolmella sinulle sopivalla ajankohdalla, niin lähetän kutsun.',
      ],
    },
    'nurture-decision-offer': {
      subject: 'Tarjous{hasCompany, select, yes { yritykselle {company}} other { teille}}',
      body: [
        'Koska olette lähellä päätöstä, haluan tehdä teille tarjouksen: 30 päivän pilotti omalla tapauksellanne sekä ensimmäisen vuoden tutustumishinta, jos jatkatte. Vastaa tähän viestiin, niin lähetän ehdot, tai ehdota aikaa, niin käydään ne läpi yhdessä.',
      ],
    },
    'nurture-onboarding-welcome': {
      subject: 'Tervetuloa asiakkaaksemme{hasFirstName, select, yes {, {firstName}} other {}}: ensimmäiset askeleet',
      body: [
        'Kiitos, että valitsit meidät. Tämä opas neuvoo ensimmäiset askeleet: tilin käyttöönoton, tiimisi kutsumisen ja jo käytössä olevien järjestelmien liittämisen.',
        { label: 'Avaa aloitusopas', url: `${CONTENT}/getting-started` },
      ],
    },
    'nurture-onboarding-training': {
      subject: 'Koulutusta tiimillesi',
      body: [
        'Tilaukseesi sisältyvät koulutuksemme auttavat tiimiäsi saamaan palvelusta kaiken hyödyn heti alusta alkaen. Kukin koulutus kestää tunnin; valitse ne, jotka sopivat tiimillesi.',
        { label: 'Katso koulutuskalenteri', url: `${CONTENT}/training` },
      ],
    },
    'nurture-onboarding-check-in': {
      subject: 'Miten ensimmäinen kuukausi on sujunut{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'Olet nyt käyttänyt palvelua noin kuukauden. Toimiiko kaikki odotustesi mukaisesti? Jos sinulla on kysyttävää tai haluat, että käymme asetukset läpi yhdessä, vastaa vain tähän viestiin.',
      ],
    },
    'long-term-check-in': {
      subject: 'Kuulumisia{hasFirstName, select, yes {, {firstName}} other {}}',
      body: [
        'Edellisestä keskustelustamme on kulunut {months, plural, one {kuukausi} other {# kuukautta}}. Onko jokin muuttunut teillä? Tässä uutisemme siltä varalta, että ajankohta sopisi nyt paremmin.',
      ],
    },

    'footer.sender': 'Saat tämän viestin lähettäjältä {sender}, {address}.',
    'footer.unsubscribe': 'Peru tilaus',
    'unsubscribe.title': 'Tilauksen peruminen',
    'unsubscribe.question': 'Lopetetaanko kaikki sähköpostit osoitteeseen {address}?',
    'unsubscribe.button': 'Peru tilaus',
    'unsubscribe.done-title': 'Tilauksesi on peruttu',
    'unsubscribe.done-body': 'Et saa meiltä enää sähköpostia.',

    'notice.rep-greeting': 'Hei {rep},',
    'notice.manager-greeting': 'Hei,',
    'notice.no-rep': 'Ei myyjää',
    'notice.unnamed-lead': 'Nimetön liidi',
    'notice.why-qualified': 'Miksi liidi kvalifioitui:',
    'card.lead': 'Liidi: {name}{hasCompany, select, yes {, {company}} other {}}',
    'card.email': 'Sähköposti: {email}',
    'card.phone': 'Puhelin: {phone}',
    'card.location': 'Sijainti: {location}',
    'card.source': 'Lähde: {source}',
    'card.message': 'Viesti: ”{message}”',
    'card.captured': 'Ensimmäinen yhteydenotto: {at, date, long} klo {at, time, short}',
    'card.id': 'Liidin tunnus: {id}',
    'rep.new_lead': {
      subject: 'Uusi liidi: {lead} — soita 20 minuutin kuluessa',
      body: [
        'Sinulle on osoitettu uusi liidi. Soita heti: 20 minuutin jälkeen ensimmäisen yhteydenoton teho puolittuu (R6).',
      ],
    },
    'rep.returning_lead': {
      subject: 'Palaava liidi: {lead} — soita 20 minuutin kuluessa',
      body: ['Tämä liidi palasi luoksemme ja on jälleen sinun. Soita heti: kiinnostus on herännyt uudelleen (R4, R6).'],
    },
    'rep.handoff': {
      subject: 'Kvalifioitu liidi sinulle: {lead}',
      body: ['Markkinointi on kvalifioinut tämän liidin. Hyväksy tai hylkää se.'],
    },
    'rep.handoff_reminder': {
      subject: 'Muistutus: hyväksy tai hylkää liidi {lead}',
      body: ['Tämä kvalifioitu liidi odottaa yhä päätöstäsi.'],
    },
    'rep.stalled': {
      subject: 'Hiljentynyt liidi: {lead}',
      body: [
        'Tämä liidi oli arviointivaiheessa ja on hiljentynyt. Hiljaisuus kiireen jälkeen on huono merkki: reagoi nyt (R20).',
      ],
    },
    'rep.replied': {
      subject: '{lead} vastasi',
      body: ['Liidi vastasi sähköpostiin; kaikki kadenssit on pysäytetty. Asia on nyt sinun.'],
    },
    'rep.activity_due': {
      subject: 'Nyt ajankohtainen: sovittu tehtäväsi liidin {lead} kanssa',
      body: ['Ajoitit tämän puhelun tai tapaamisen (R7); sen aika on nyt.'],
    },
    'rep.calls_overdue': {
      subject: 'Raportoi puhelusi: {lead}',
      body: [
        'Yhteydenottokadenssi on päättynyt, mutta kaikkia puheluita ei ole raportoitu. Raportoi jokainen yritys: liidi suljetaan kiinnostumattomana vasta viiden yrityksen jälkeen (R8).',
      ],
    },
    'manager.sla_breach': {
      subject: 'SLA ylittyi: liidiin {lead} ei otettu yhteyttä ajoissa',
      body: ['{rep} ei ole kirjannut ensimmäistä yhteydenottoa reagointiajan SLA:n puitteissa (R6).'],
    },
    'manager.sla_missed_unseen': {
      subject: 'SLA ylittyi ennen kuin yhdellekään myyjälle kerrottiin: {lead}',
      body: [
        'Liidi odotti reagointiajan SLA:ta kauemmin ennen kuin Ripen ehti ohjata sen myyjälle: sen workerit olivat alhaalla tai jäljessä. Nyt tiedon saava myyjä saa koko SLA-ajan (R6).',
      ],
    },
    'manager.handoff_overdue': {
      subject: 'Luovutus myöhässä: {lead}',
      body: ['{rep} ei ole hyväksynyt eikä hylännyt tätä kvalifioitua liidiä muistutuksesta huolimatta.'],
    },
    'manager.no_rep_available': {
      subject: 'Ei vapaata myyjää liidille {lead}',
      body: ['Reititys ei löytänyt liidille vapaata myyjää. Osoita liidille myyjä.'],
    },
    'manager.reply_unanswered': {
      subject: 'Vastaamaton viesti: {lead}',
      body: ['Liidi vastasi, eikä {rep} ole sen jälkeen kirjannut tulosta (R17).'],
    },
    'manager.attempts_unreported': {
      subject: 'Yhteydenottoyrityksiä raportoimatta: {lead}',
      body: ['{rep} sai muistutuksen yhteydenottoyritysten raportoinnista, mutta ei ole raportoinut niitä (R8).'],
    },
    'manager.lead_reassigned': {
      subject: 'Liidi siirretty: {lead}',
      body: ['Liidin myyjä ei ole enää käytettävissä; liidi kuuluu nyt myyjälle {rep}.'],
    },
    'manager.effect_failed': {
      subject: 'Toimenpiteitä tarvitaan: vaihe epäonnistui pysyvästi liidillä {lead}',
      body: [
        'Liidin polun vaihe epäonnistui tavalla, jota uusi yritys ei korjaa. Vaihe ohitettiin, ja polku jatkuu. Liidin aikajanalta näkee, mikä epäonnistui (myöhemmät epäonnistumiset kirjataan sinne ilman uutta viestiä).',
      ],
    },
  },
} satisfies Catalogue<MessageId>;
