/** فارسی. نگارش رسمی و اداری؛ ارقام فارسی هرجا Intl آن‌ها را می‌دهد (شمارش‌ها و تاریخ‌ها). راست به چپ. */
import { CONTENT, type Catalogue } from '../catalogue';
import type { MessageId } from './en';

export const fa = {
  locale: 'fa',
  direction: 'rtl',
  messages: {
    'lead.greeting': '{hasFirstName, select, yes {{firstName} گرامی،} other {با سلام و احترام،}}',
    'lead.signature': 'با احترام،\n{repName}',

    'first-touch': {
      subject: 'از تماس شما سپاسگزاریم{hasFirstName, select, yes {، {firstName}} other {}}',
      body: [
        'از اینکه با ما تماس گرفتید سپاسگزارم. من {repName} هستم و از این پس رابط شما خواهم بود. پیام شما به دستم رسیده است و مایلم دربارهٔ نیازهای شما{hasCompany, select, yes { و کارهایی که {company} در دست دارد} other {}} بیشتر بدانم.',
        'چه زمانی برای یک گفت‌وگوی تلفنی کوتاه برایتان مناسب است؟ کافی است در پاسخ همین ایمیل، زمان مناسب را بنویسید.',
      ],
    },

    'attempt-follow-up': {
      subject: 'پیگیری درخواست شما{hasFirstName, select, yes {، {firstName}} other {}}',
      body: [
        'برای پیگیری درخواستتان کوشیدم با شما تماس بگیرم. آیا این هفته فرصتی برای یک تماس ۱۵ دقیقه‌ای دارید؟ کافی است زمان مناسب را در پاسخ همین ایمیل بنویسید.',
      ],
    },
    'attempt-last-chance': {
      subject: 'آیا درخواست شما را ببندم{hasFirstName, select, yes {، {firstName}} other {}}؟',
      body: [
        'متأسفانه نتوانستم با شما تماس بگیرم. اگر اکنون زمان مناسبی نیست، اشکالی ندارد؛ کافی است «بعداً» را پاسخ دهید تا چند ماه دیگر دوباره با شما در تماس باشم.',
      ],
    },
    'nurture-info-pack': {
      subject: 'بستهٔ اطلاعاتی درخواستی شما{hasFirstName, select, yes {، {firstName}} other {}}',
      body: [
        'همان‌طور که قول داده بودم، بستهٔ اطلاعاتی ما{hasCompany, select, yes { با بخش‌هایی که بیشترین ارتباط را با {company} دارند} other {}} در ادامه آمده است: محصول چه می‌کند، هزینهٔ آن چقدر است و نخستین پروژه چگونه پیش می‌رود.',
        { label: 'دریافت بستهٔ اطلاعاتی', url: `${CONTENT}/information-pack.pdf` },
      ],
    },
    'nurture-week-1': {
      subject: 'شرکتی مانند شما چگونه کار را آغاز کرد',
      body: [
        'داستان کوتاه یکی از مشتریان: مشکلی که داشتند، نخستین راهی که آزمودند و آنچه در سه ماه نخست تغییر کرد.',
        { label: 'خواندن داستان', url: `${CONTENT}/customer-story` },
      ],
    },
    'nurture-week-2': {
      subject: 'راهنمایی کاربردی برای نخستین گام‌ها',
      body: [
        'راهنمای گام‌به‌گامی که مشتریان ما با آن در یک هفته به نخستین نتایج می‌رسند، همراه با دام‌هایی که باید از آن‌ها پرهیز کرد.',
        { label: 'مشاهدهٔ راهنما', url: `${CONTENT}/first-steps-guide` },
      ],
    },
    'nurture-week-3': {
      subject: 'فهرستی برای مقایسهٔ گزینه‌ها',
      body: [
        'هنگام مقایسهٔ گزینه‌ها، این ده پرسش را از هر تأمین‌کننده‌ای بپرسید؛ از ما هم.',
        { label: 'دریافت فهرست پرسش‌ها', url: `${CONTENT}/vendor-checklist` },
      ],
    },
    'nurture-week-4': {
      subject: 'آیا یک نمایش کوتاه برایتان مفید است{hasFirstName, select, yes {، {firstName}} other {}}؟',
      body: [
        'اگر مایلید راهکار را با داده‌های خودتان ببینید، می‌توانم در ۳۰ دقیقه آن را نشان دهم. لطفاً زمان مناسب خود را در پاسخ بنویسید.',
      ],
    },
    'nurture-week-5': {
      subject: 'آنچه مشتریان ما در نخستین فصل اندازه گرفتند',
      body: [
        'ارقامی از سه مشتری مشابه شما: زمان صرفه‌جویی‌شده، خطاهای پیشگیری‌شده و هزینهٔ نخستین فصل.',
        { label: 'مشاهدهٔ نتایج', url: `${CONTENT}/customer-results` },
      ],
    },
    'long-term-check-in': {
      subject: 'جویای احوال شما هستیم{hasFirstName, select, yes {، {firstName}} other {}}',
      body: [
        '{months, plural, one {یک ماه} other {# ماه}} از آخرین گفت‌وگوی ما می‌گذرد. آیا در شرایط شما تغییری پیش آمده است؟ تازه‌های ما را در ادامه می‌خوانید؛ شاید اکنون زمان مناسب‌تری باشد.',
      ],
    },

    'footer.sender': 'این ایمیل را از {sender}، {address} دریافت کرده‌اید.',
    'footer.unsubscribe': 'لغو اشتراک',
    'unsubscribe.title': 'لغو اشتراک',
    'unsubscribe.question': 'ارسال همهٔ ایمیل‌ها به {address} متوقف شود؟',
    'unsubscribe.button': 'لغو اشتراک',
    'unsubscribe.done-title': 'اشتراک شما لغو شد',
    'unsubscribe.done-body': 'از این پس ایمیلی از ما دریافت نخواهید کرد.',

    'notice.rep-greeting': '{rep} گرامی،',
    'notice.manager-greeting': 'با سلام،',
    'notice.no-rep': 'بدون کارشناس فروش',
    'notice.unnamed-lead': 'سرنخ بی‌نام',
    'notice.why-qualified': 'دلیل واجد شرایط شدن:',
    'card.lead': 'سرنخ: {name}{hasCompany, select, yes {، {company}} other {}}',
    'card.email': 'ایمیل: {email}',
    'card.phone': 'تلفن: {phone}',
    'card.location': 'موقعیت: {location}',
    'card.source': 'منبع: {source}',
    'card.message': 'پیام: «{message}»',
    'card.captured': 'نخستین تماس: {at, date, long}، ساعت {at, time, short}',
    'card.id': 'شناسهٔ سرنخ: {id}',
    'rep.new_lead': {
      subject: 'سرنخ جدید: {lead} — ظرف ۲۰ دقیقه تماس بگیرید',
      body: [
        'یک سرنخ جدید به شما سپرده شد. همین حالا تماس بگیرید: پس از ۲۰ دقیقه، اثر نخستین پاسخ به نصف می‌رسد (R6).',
      ],
    },
    'rep.returning_lead': {
      subject: 'سرنخ بازگشته: {lead} — ظرف ۲۰ دقیقه تماس بگیرید',
      body: [
        'این سرنخ دوباره با ما تماس گرفته و باز به شما سپرده شده است. همین حالا تماس بگیرید: این نشانهٔ علاقه است (R4، R6).',
      ],
    },
    'rep.handoff': {
      subject: 'سرنخ واجد شرایط برای شما: {lead}',
      body: ['بازاریابی این سرنخ را واجد شرایط دانسته است. لطفاً آن را بپذیرید یا رد کنید.'],
    },
    'rep.handoff_reminder': {
      subject: 'یادآوری: پذیرش یا رد {lead}',
      body: ['این سرنخ واجد شرایط همچنان منتظر تصمیم شماست.'],
    },
    'rep.stalled': {
      subject: 'سکوت سرنخ: {lead}',
      body: [
        'این سرنخ در مرحلهٔ ارزیابی بود و اکنون ساکت شده است. سکوت پس از شتاب نشانهٔ خوبی نیست: همین حالا اقدام کنید (R20).',
      ],
    },
    'rep.replied': {
      subject: 'پاسخ از {lead}',
      body: ['سرنخ به یک ایمیل پاسخ داد؛ همهٔ توالی‌ها متوقف شد. ادامهٔ کار با شماست.'],
    },
    'rep.activity_due': {
      subject: 'اکنون: فعالیت برنامه‌ریزی‌شدهٔ شما با {lead}',
      body: ['این تماس یا جلسه را خودتان برنامه‌ریزی کرده‌اید (R7)؛ اکنون زمان آن است.'],
    },
    'rep.calls_overdue': {
      subject: 'تماس‌هایتان را گزارش کنید: {lead}',
      body: [
        'توالی تماس به پایان رسیده، اما همهٔ تماس‌ها گزارش نشده‌اند. هر تلاش را گزارش کنید: سرنخ تنها پس از پنج تلاش با وضعیت «بی‌علاقه» بسته می‌شود (R8).',
      ],
    },
    'manager.sla_breach': {
      subject: 'نقض SLA: با {lead} به‌موقع تماس گرفته نشد',
      body: ['{rep} نخستین تماس را در مهلت SLA سرعت پاسخ‌گویی ثبت نکرده است (R6).'],
    },
    'manager.handoff_overdue': {
      subject: 'تأخیر در واگذاری: {lead}',
      body: ['{rep} حتی پس از یادآوری، این سرنخ واجد شرایط را نه پذیرفته و نه رد کرده است.'],
    },
    'manager.no_rep_available': {
      subject: 'کارشناس فروشی برای {lead} در دسترس نیست',
      body: ['مسیریابی هیچ کارشناس فروش در دسترسی برای این سرنخ نیافت. لطفاً یک نفر را تعیین کنید.'],
    },
    'manager.reply_unanswered': {
      subject: 'پاسخ بی‌پیگیری: {lead}',
      body: ['سرنخ پاسخ داده و {rep} از آن زمان نتیجه‌ای ثبت نکرده است (R17).'],
    },
    'manager.attempts_unreported': {
      subject: 'تلاش‌های تماس گزارش‌نشده: {lead}',
      body: ['به {rep} یادآوری شد که تلاش‌های تماس را گزارش کند، اما گزارشی ثبت نشده است (R8).'],
    },
    'manager.lead_reassigned': {
      subject: 'واگذاری دوباره: {lead}',
      body: ['کارشناس پیشین این سرنخ دیگر در دسترس نیست؛ سرنخ اکنون به {rep} سپرده شده است.'],
    },
  },
} satisfies Catalogue<MessageId>;
