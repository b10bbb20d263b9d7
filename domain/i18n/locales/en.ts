/**
 * English: the reference catalogue. Every other locale has exactly these message ids, with the same
 * placeholders (test/i18n.test.ts). Values every e-mail to a lead may use: {firstName} and {hasFirstName}
 * (yes/no), {company} and {hasCompany} (yes/no), {repName}; `long-term-check-in` also {months}. Notices:
 * {lead} (the lead's name), {rep}; the card's lines their own.
 */
import { CONTENT, type Catalogue } from '../catalogue';

export const en = {
  locale: 'en',
  direction: 'ltr',
  messages: {
    // The frame around every e-mail to a lead.
    'lead.greeting': '{hasFirstName, select, yes {Hi {firstName},} other {Hi there,}}',
    'lead.signature': 'Best regards,\n{repName}',

    // R7: the personal first answer.
    'first-touch': {
      subject: 'Thanks for getting in touch, {hasFirstName, select, yes {{firstName}} other {there}}',
      body: [
        "{fromTeam, select, yes {thank you for reaching out. We are {repName}, and we'll be your contact here. We have your message, and we'd like to hear more about what you need{hasCompany, select, yes { and what {company} is working on} other {}}.} other {thank you for reaching out. I'm {repName}, and I'll be your contact here. I have your message, and I'd like to hear more about what you need{hasCompany, select, yes { and what {company} is working on} other {}}.}}",
        'When would suit you for a short call? Just reply to this e-mail with a time that works.',
      ],
    },

    // Cadence e-mails (R9, R10, R11): one id per template the cadences name.
    'attempt-follow-up': {
      subject: 'Following up, {hasFirstName, select, yes {{firstName}} other {there}}',
      body: [
        'I tried to reach you about your request. Is there a good time for a 15-minute call this week? A reply with a time is all it takes.',
      ],
    },
    'attempt-last-chance': {
      subject: 'Should I close your request, {hasFirstName, select, yes {{firstName}} other {there}}?',
      body: [
        "I haven't managed to reach you. If the timing is wrong, no problem — reply “later” and I'll check back in a few months.",
      ],
    },
    'nurture-info-pack': {
      subject: 'The information pack you asked for, {hasFirstName, select, yes {{firstName}} other {there}}',
      body: [
        'As promised, here is our information pack{hasCompany, select, yes { with the parts most relevant to {company}} other {}}: what the product does, what it costs, and how a first project runs.',
        { label: 'Download the information pack', url: `${CONTENT}/information-pack.pdf` },
      ],
    },
    'nurture-week-1': {
      subject: 'How a company like yours got started',
      body: [
        'A short customer story: the problem they had, what they tried first, and what changed in the first three months.',
        { label: 'Read the story', url: `${CONTENT}/customer-story` },
      ],
    },
    'nurture-week-2': {
      subject: 'A practical guide for your first steps',
      body: [
        'A step-by-step guide our customers use to get the first results in a week, with the pitfalls to avoid.',
        { label: 'Open the guide', url: `${CONTENT}/first-steps-guide` },
      ],
    },
    'nurture-week-3': {
      subject: 'A checklist for comparing the alternatives',
      body: [
        'When you compare options, these are the ten questions worth asking every vendor — including us.',
        { label: 'Get the checklist', url: `${CONTENT}/vendor-checklist` },
      ],
    },
    'nurture-week-4': {
      subject: 'Would a short demo help, {hasFirstName, select, yes {{firstName}} other {there}}?',
      body: [
        'If it would help to see it with your own data, I can show you in 30 minutes. Reply with a time that suits you.',
      ],
    },
    'nurture-week-5': {
      subject: 'What our customers measured in their first quarter',
      body: [
        'Numbers from three customers like you: time saved, errors avoided and what the first quarter cost them.',
        { label: 'Read the results', url: `${CONTENT}/customer-results` },
      ],
    },
    // Content by buyer stage (R13, R11): each nurture track has its own templates.
    // Education (problem recognition, information search).
    'nurture-education-problem': {
      subject: 'Five signs that a process costs more than it should',
      body: [
        'A short article on the early warning signs — work done twice, answers that come too late, information kept in too many places — and how to put a figure on each of them in your own organisation.',
        { label: 'Read the article', url: `${CONTENT}/warning-signs` },
      ],
    },
    'nurture-education-guide': {
      subject: 'How other teams tackle the problem: a practical guide',
      body: [
        'A practical guide to the approaches companies in your sector use, what each one asks of your people and your systems, and where it makes sense to begin.',
        { label: 'Open the guide', url: `${CONTENT}/approaches-guide` },
      ],
    },
    'nurture-education-report': {
      subject: 'Where the industry stands: our annual report',
      body: [
        'Our annual survey of more than 300 companies: which practices are becoming the norm, what they have changed for those who adopted them, and what the leaders plan next.',
        { label: 'Read the report', url: `${CONTENT}/industry-report` },
      ],
    },
    // Evaluation: comparisons, case studies, pricing.
    'nurture-evaluation-comparison': {
      subject: 'Comparing the alternatives, side by side',
      body: [
        'If you are weighing up your options, this comparison sets the main approaches side by side — building in-house, a general-purpose tool, or a specialised solution such as ours — on cost, time to results and risk.',
        { label: 'See the comparison', url: `${CONTENT}/comparison` },
      ],
    },
    'nurture-evaluation-case-study': {
      subject: 'Case study: how one customer chose, and what it delivered',
      body: [
        'How a company of your size evaluated three suppliers, why it chose us, and the results it measured after six months — including what it would do differently today.',
        { label: 'Read the case study', url: `${CONTENT}/case-study` },
      ],
    },
    'nurture-evaluation-pricing': {
      subject: 'Our prices, and what a first year costs',
      body: [
        'Our price list, with a worked example of the full cost of a first year: licences, implementation and support. There are no hidden costs; if anything is unclear, simply reply to this e-mail.',
        { label: 'See the prices', url: `${CONTENT}/pricing` },
      ],
    },
    // Decision: a demo or an offer from the rep.
    'nurture-decision-demo': {
      subject: 'A demonstration on your own case{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'I would be glad to show you in 45 minutes how the solution would work{hasCompany, select, yes { at {company}} other { for you}}, with your own data and processes. Reply with two or three times that suit you, and I will send an invitation.',
      ],
    },
    'nurture-decision-offer': {
      subject: 'An offer{hasCompany, select, yes { for {company}} other { for you}}',
      body: [
        'As you are close to a decision, I would like to make you an offer: a 30-day pilot on your own case, and an introductory price for the first year should you continue. Reply to this e-mail and I will send you the terms, or suggest a time and we can go through them together.',
      ],
    },
    // Post-purchase: onboarding, never pre-sale mail.
    'nurture-onboarding-welcome': {
      subject: 'Welcome aboard{hasFirstName, select, yes {, {firstName}} other {}}: your first steps',
      body: [
        'Thank you for choosing us. This guide takes you through the first steps: setting up your account, inviting your team and connecting the systems you already use.',
        { label: 'Open the getting-started guide', url: `${CONTENT}/getting-started` },
      ],
    },
    'nurture-onboarding-training': {
      subject: 'Training for your team',
      body: [
        'Our training sessions, included in your subscription, help your team make the most of the service from the very start. Each session takes an hour; choose the ones that suit your people.',
        { label: 'See the training calendar', url: `${CONTENT}/training` },
      ],
    },
    'nurture-onboarding-check-in': {
      subject: 'How is your first month going{hasFirstName, select, yes {, {firstName}} other {}}?',
      body: [
        'You have now been using the service for about a month. Is everything working as you expected? If you have questions, or would like us to review your set-up with you, simply reply to this e-mail.',
      ],
    },
    'long-term-check-in': {
      subject: 'Checking in, {hasFirstName, select, yes {{firstName}} other {there}}',
      body: [
        "It's been {months, plural, one {a month} other {# months}} since we last talked. Has anything changed on your side? Here is what is new with us, in case the timing is better now.",
      ],
    },

    // The marketing footer (every marketing e-mail) and the unsubscribe page.
    'footer.sender': 'You get this e-mail from {sender}, {address}.',
    'footer.unsubscribe': 'Unsubscribe',
    'unsubscribe.title': 'Unsubscribe',
    'unsubscribe.question': 'Stop all e-mail to {address}?',
    'unsubscribe.button': 'Unsubscribe',
    'unsubscribe.done-title': 'You are unsubscribed',
    'unsubscribe.done-body': 'You will get no more e-mail from us.',

    // Notices to reps and managers (R6, R15, R20), in the rep's language.
    'notice.rep-greeting': 'Hi {rep},',
    'notice.manager-greeting': 'Hello,',
    'notice.no-rep': 'No rep',
    'notice.unnamed-lead': 'Unnamed lead',
    'notice.why-qualified': 'Why it qualified:',
    'card.lead': 'Lead: {name}{hasCompany, select, yes {, {company}} other {}}',
    'card.email': 'E-mail: {email}',
    'card.phone': 'Phone: {phone}',
    'card.location': 'Location: {location}',
    'card.source': 'Source: {source}',
    'card.message': 'Message: "{message}"',
    'card.captured': 'First contact: {at, date, long}, {at, time, short}',
    'card.id': 'Lead id: {id}',
    'rep.new_lead': {
      subject: 'New lead: {lead} — call within 20 minutes',
      body: ['A new lead is yours. Call now: after 20 minutes a first response is half as effective (R6).'],
    },
    'rep.returning_lead': {
      subject: 'Returning lead: {lead} — call within 20 minutes',
      body: ['This lead came back to us and is yours again. Call now: they are showing interest (R4, R6).'],
    },
    'rep.handoff': {
      subject: 'Qualified lead for you: {lead}',
      body: ['Marketing has qualified this lead. Please accept or reject it.'],
    },
    'rep.handoff_reminder': {
      subject: 'Reminder: accept or reject {lead}',
      body: ['This qualified lead is still waiting for your decision.'],
    },
    'rep.stalled': {
      subject: 'Gone quiet: {lead}',
      body: ['This lead was evaluating and has gone silent. Silence after urgency is a bad sign: react now (R20).'],
    },
    'rep.replied': {
      subject: '{lead} replied',
      body: ['The lead replied to an e-mail; every cadence has stopped. Over to you.'],
    },
    'rep.activity_due': {
      subject: 'Due now: your scheduled activity with {lead}',
      body: ['You scheduled this call or meeting (R7); it is due now.'],
    },
    'rep.calls_overdue': {
      subject: 'Report your calls: {lead}',
      body: [
        'The contact cadence is over but not every call was reported. Report each attempt: a lead is closed as not interested only after five (R8).',
      ],
    },
    'manager.sla_breach': {
      subject: 'SLA breached: {lead} not contacted in time',
      body: ['{rep} has not logged a first contact within the speed-to-lead SLA (R6).'],
    },
    'manager.sla_missed_unseen': {
      subject: 'SLA missed before any rep was told: {lead}',
      body: [
        'This lead waited longer than the speed-to-lead SLA before Ripen could route it: its workers were down or behind. The rep told now has the whole SLA (R6).',
      ],
    },
    'manager.handoff_overdue': {
      subject: 'Handoff overdue: {lead}',
      body: ['{rep} has neither accepted nor rejected this qualified lead, even after a reminder.'],
    },
    'manager.no_rep_available': {
      subject: 'No rep available for {lead}',
      body: ['Routing found no available rep for this lead. Please assign one.'],
    },
    'manager.reply_unanswered': {
      subject: 'Unanswered reply: {lead}',
      body: ['The lead wrote back and {rep} has not reported an outcome since (R17).'],
    },
    'manager.attempts_unreported': {
      subject: 'Contact attempts unreported: {lead}',
      body: ['{rep} was reminded to report the contact attempts and has not (R8).'],
    },
    'manager.lead_reassigned': {
      subject: 'Lead reassigned: {lead}',
      body: ["The lead's rep is no longer available; it now belongs to {rep}."],
    },
    'manager.effect_failed': {
      subject: 'Action needed: a step failed for good on {lead}',
      body: [
        "A step of this lead's journey failed in a way retrying cannot fix; it was skipped and the journey goes on. The lead's timeline shows what failed (later failures on this lead are recorded there without another e-mail).",
      ],
    },
  },
} satisfies Catalogue;

export type MessageId = keyof typeof en.messages;
