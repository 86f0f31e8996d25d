#include "adapters/mail/registration.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>

#include "adapters/mail/mail_message.h"
#include "core/base/crypto.h"

namespace alerthub::mail {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// What the resident pages say, in each of the nine languages of language_choices(). Written
// by the alerthub developers with an AI assistant (zh-Hant, vi, ne and pt added 2026-12-05),
// like config/phrases/, and with its review status: reviewed = false for every language, none
// checked by a native speaker yet. config/phrases/README.md ("Texts outside the bank") lists
// these texts with their status; a reviewer records the review there.
struct PageTexts {
    std::string_view lang;
    std::string_view site;
    std::string_view form_title, form_intro, email_label, areas_legend, whole_ward;
    std::string_view search_label, district_all;  // district_all: "{}地区すべて"
    std::string_view language_legend, send_button;
    std::string_view check_title, bad_address, bad_language, bad_area;
    std::string_view sent_title, sent_body;  // {0}: hours
    std::string_view chosen_areas, chosen_language;
    std::string_view wait_title, wait_body, refused_title, refused_body;
    std::string_view unavailable_title, unavailable_body, bad_link_title, bad_link_body;
    std::string_view registered_title, registered_body;  // {0}: the preferences link
    std::string_view already_title, already_body;        // {0}: the preferences link
    std::string_view prefs_title, save_button, saved_title, saved_body;
    std::string_view unsub_title, unsub_question, unsub_button, unsubbed_title, unsubbed_body;
    std::string_view mail_subject, mail_body;  // {0}: hours, {1}: the link
};

constexpr PageTexts kJa = {
    "ja",
    "港区 防災情報メール",
    "防災情報メールの登録",
    "港区の防災情報（避難指示、警報など）をメールでお届けします。メールアドレスと地域、言語を選んで"
    "ください。確認メールのリンクを開くと登録が完了します。",
    "メールアドレス",
    "地域",
    "港区全域（すべての地域）",
    "地域を探す（町名・読み・ローマ字）",
    "{}地区すべて",
    "メールの言語",
    "確認メールを送る",
    "入力を確認してください",
    "メールアドレスが正しくありません。",
    "言語を選んでください。",
    "地域の指定が正しくありません。",
    "確認メールを送りました",
    "入力されたアドレスに確認メールを送りました。{0}"
    "時間以内にメールのリンクを開いて、登録を完了してください。",
    "選んだ地域",
    "メールの言語",
    "しばらくお待ちください",
    "このアドレスには確認メールを送ったばかりです。届いたメールのリンクを開いてください。届かない場"
    "合は、時間をおいてもう一度お試しください。",
    "メールを送れませんでした",
    "このアドレスにはメールを送れませんでした。アドレスを確認してください。",
    "ただいま処理できません",
    "しばらくしてから、もう一度お試しください。",
    "リンクが無効です",
    "このリンクは無効か、期限が切れています。お手数ですが、もう一度登録してください。",
    "登録が完了しました",
    "防災情報メールの登録が完了しました。地域や言語はいつでも<a "
    "href=\"{0}\">こちら</a>から変更できます。",
    "登録済みです",
    "このリンクの登録はすでに完了しています。もう一度登録する必要はありません。地域や言語は<a "
    "href=\"{0}\">こちら</a>から変更できます。",
    "地域・言語の変更",
    "変更する",
    "変更しました",
    "地域と言語の設定を変更しました。",
    "配信の停止",
    "防災情報メールの配信を停止しますか。",
    "配信を停止する",
    "配信を停止しました",
    "防災情報メールの配信を停止しました。再開するには、もう一度登録してください。",
    "【港区 防災情報メール】登録の確認",
    "港区 "
    "防災情報メールへの登録を受け付けました。\n次のリンクを開くと登録が完了します（{0}"
    "時間有効）。\n{1}"
    "\n\nお心当たりのない場合は、このメールを破棄してください。登録はされません。\n"};

constexpr PageTexts kEasy = {
    "ja-x-easy",
    "みなとくの ぼうさい メール",
    "ぼうさい メールに とうろくする",
    "みなとくが 災害（さいがい）の 知らせを メールで おくります。メールアドレスと ちいき、ことばを "
    "えらんでください。とどいた メールの リンクを ひらくと とうろくが おわります。",
    "メールアドレス",
    "ちいき",
    "みなとくの ぜんぶ",
    "ちいきを さがす（なまえ・よみかた）",
    "{}の ぜんぶ",
    "メールの ことば",
    "メールを おくる",
    "もう いちど 見てください",
    "メールアドレスが ちがいます。",
    "ことばを えらんでください。",
    "ちいきが ちがいます。",
    "メールを おくりました",
    "メールを おくりました。{0}じかんの うちに メールの リンクを ひらいてください。",
    "えらんだ ちいき",
    "メールの ことば",
    "すこし まってください",
    "この アドレスには さっき メールを おくりました。とどいた メールの リンクを ひらいてください。",
    "メールを おくれませんでした",
    "この アドレスには メールを おくれません。アドレスを 見てください。",
    "いま できません",
    "すこし あとで もう いちど ためしてください。",
    "リンクが つかえません",
    "この リンクは つかえません。もう いちど とうろくしてください。",
    "とうろくが おわりました",
    "とうろくが おわりました。ちいきや ことばは <a href=\"{0}\">ここ</a>で かえられます。",
    "もう とうろくしています",
    "この リンクの とうろくは もう おわっています。もう いちど とうろくしなくて いいです。ちいきや "
    "ことばは <a href=\"{0}\">ここ</a>で かえられます。",
    "ちいき・ことばを かえる",
    "かえる",
    "かえました",
    "ちいきと ことばを かえました。",
    "メールを とめる",
    "ぼうさい メールを とめますか。",
    "メールを とめる",
    "メールを とめました",
    "ぼうさい メールを とめました。また ほしい ときは、もう いちど とうろくしてください。",
    "【みなとく ぼうさい メール】とうろくの かくにん",
    "ぼうさい メールの とうろくを うけつけました。\nこの リンクを ひらくと とうろくが "
    "おわります（{0}じかん つかえます）。\n{1}\n\nおぼえが ない ときは、この メールを "
    "すててください。\n"};

constexpr PageTexts kEn = {
    "en",
    "Minato City disaster information mail",
    "Register for disaster information mail",
    "Minato City sends disaster information (evacuation orders, warnings) by e-mail. Enter your "
    "address and choose your areas and language. Open the link in the confirmation mail to finish.",
    "E-mail",
    "Areas",
    "All of Minato City (every area)",
    "Find an area (name, reading or romaji)",
    "All of {}",
    "Language of the mails",
    "Send confirmation mail",
    "Please check your entry",
    "Not a valid e-mail address.",
    "Please choose a language.",
    "Unknown area.",
    "Confirmation mail sent",
    "We sent a confirmation mail. Open the link in it within {0} hours to finish your "
    "registration.",
    "Your areas",
    "Language of the mails",
    "Please wait",
    "We have just sent a confirmation mail to this address. Please open the link in it, or try "
    "again later.",
    "We could not send the mail",
    "The mail server refused this address. Please check it.",
    "Please try again later",
    "Something went wrong on our side. Please try again in a few minutes.",
    "This link is not valid",
    "This link is not valid or has expired. Please register again.",
    "You are registered",
    "Your registration is complete. You can change your areas or language <a href=\"{0}\">here</a> "
    "at any time.",
    "Already registered",
    "This registration is already complete: there is no need to register again. You can change "
    "your areas or language <a href=\"{0}\">here</a>.",
    "Change areas or language",
    "Save",
    "Saved",
    "Your areas and language are saved.",
    "Unsubscribe",
    "Do you want to stop receiving disaster information mail?",
    "Unsubscribe",
    "Unsubscribed",
    "You will not receive disaster information mail any more. To start again, register again.",
    "[Minato City disaster information mail] Please confirm your registration",
    "We received a registration for Minato City disaster information mail.\nOpen this link to "
    "confirm it (valid for {0} hours):\n{1}\n\nIf you did not register, ignore this mail: nothing "
    "will be sent to you.\n"};

constexpr PageTexts kZhHans = {
    "zh-Hans",
    "港区 防灾信息邮件",
    "注册防灾信息邮件",
    "港区通过电子邮件发送防灾信息（避难指示、警报等）。请输入邮箱地址，并选择地区和语言。打开确认邮"
    "件中的链接即可完成注册。",
    "电子邮箱",
    "地区",
    "港区全域（所有地区）",
    "查找地区（町名、读音或罗马字）",
    "{}地区全部",
    "邮件语言",
    "发送确认邮件",
    "请检查输入内容",
    "电子邮箱地址不正确。",
    "请选择语言。",
    "地区不正确。",
    "已发送确认邮件",
    "确认邮件已发送。请在{0}小时内打开邮件中的链接完成注册。",
    "所选地区",
    "邮件语言",
    "请稍候",
    "刚刚已向此地址发送了确认邮件。请打开邮件中的链接，或稍后再试。",
    "无法发送邮件",
    "邮件服务器拒绝了此地址。请检查地址。",
    "暂时无法处理",
    "请稍后再试。",
    "链接无效",
    "此链接无效或已过期。请重新注册。",
    "注册完成",
    "防灾信息邮件注册已完成。可随时<a href=\"{0}\">在此</a>更改地区或语言。",
    "已经注册",
    "此链接的注册已经完成，无需再次注册。可<a href=\"{0}\">在此</a>更改地区或语言。",
    "更改地区和语言",
    "保存",
    "已保存",
    "地区和语言设置已保存。",
    "停止接收",
    "要停止接收防灾信息邮件吗？",
    "停止接收",
    "已停止接收",
    "您将不再收到防灾信息邮件。如需恢复，请重新注册。",
    "【港区 防灾信息邮件】请确认注册",
    "我们收到了港区防灾信息邮件的注册申请。\n请打开以下链接完成注册（{0}小时内有效）：\n{1}"
    "\n\n如果您没有注册，请忽略此邮件，我们不会向您发送任何邮件。\n"};

constexpr PageTexts kKo = {
    "ko",
    "미나토구 방재 정보 메일",
    "방재 정보 메일 등록",
    "미나토구가 방재 정보(대피 지시, 경보 등)를 메일로 보내 드립니다. 메일 주소를 입력하고 지역과 "
    "언어를 선택하십시오. 확인 메일의 링크를 열면 등록이 완료됩니다.",
    "메일 주소",
    "지역",
    "미나토구 전역(모든 지역)",
    "지역 찾기(지명, 읽기, 로마자)",
    "{} 지구 전체",
    "메일 언어",
    "확인 메일 보내기",
    "입력 내용을 확인하십시오",
    "메일 주소가 올바르지 않습니다.",
    "언어를 선택하십시오.",
    "지역이 올바르지 않습니다.",
    "확인 메일을 보냈습니다",
    "확인 메일을 보냈습니다. {0}시간 안에 메일의 링크를 열어 등록을 완료하십시오.",
    "선택한 지역",
    "메일 언어",
    "잠시 기다려 주십시오",
    "이 주소로 방금 확인 메일을 보냈습니다. 받은 메일의 링크를 열거나 잠시 후 다시 시도하십시오.",
    "메일을 보낼 수 없었습니다",
    "메일 서버가 이 주소를 거부했습니다. 주소를 확인하십시오.",
    "지금은 처리할 수 없습니다",
    "잠시 후 다시 시도하십시오.",
    "링크가 유효하지 않습니다",
    "이 링크는 유효하지 않거나 기한이 지났습니다. 다시 등록하십시오.",
    "등록이 완료되었습니다",
    "방재 정보 메일 등록이 완료되었습니다. 지역이나 언어는 언제든지 <a href=\"{0}\">여기</a>에서 "
    "바꿀 수 있습니다.",
    "이미 등록되어 있습니다",
    "이 링크의 등록은 이미 완료되었습니다. 다시 등록할 필요가 없습니다. 지역이나 언어는 <a "
    "href=\"{0}\">여기</a>에서 바꿀 수 있습니다.",
    "지역·언어 변경",
    "저장",
    "저장했습니다",
    "지역과 언어 설정을 저장했습니다.",
    "수신 중지",
    "방재 정보 메일 수신을 중지하시겠습니까?",
    "수신 중지",
    "수신을 중지했습니다",
    "더 이상 방재 정보 메일을 받지 않습니다. 다시 받으려면 다시 등록하십시오.",
    "[미나토구 방재 정보 메일] 등록 확인",
    "미나토구 방재 정보 메일 등록 신청을 받았습니다.\n다음 링크를 열면 등록이 완료됩니다({0}시간 "
    "유효).\n{1}\n\n등록하지 않으셨다면 이 메일을 무시하십시오. 아무것도 보내지 않습니다.\n"};

constexpr PageTexts kZhHant = {
    "zh-Hant",
    "港區 防災資訊郵件",
    "註冊防災資訊郵件",
    "港區透過電子郵件發送防災資訊（避難指示、警報等）。請輸入電子郵件地址，並選擇地區和語言。開啟確"
    "認"
    "郵件中的連結即可完成註冊。",
    "電子郵件",
    "地區",
    "港區全域（所有地區）",
    "搜尋地區（町名、讀音或羅馬字）",
    "{}地區全部",
    "郵件語言",
    "傳送確認郵件",
    "請檢查輸入內容",
    "電子郵件地址不正確。",
    "請選擇語言。",
    "地區不正確。",
    "已傳送確認郵件",
    "確認郵件已傳送。請在{0}小時內開啟郵件中的連結完成註冊。",
    "所選地區",
    "郵件語言",
    "請稍候",
    "剛剛已向此地址傳送了確認郵件。請開啟郵件中的連結，或稍後再試。",
    "無法傳送郵件",
    "郵件伺服器拒絕了此地址。請檢查地址。",
    "暫時無法處理",
    "請稍後再試。",
    "連結無效",
    "此連結無效或已過期。請重新註冊。",
    "註冊完成",
    "防災資訊郵件註冊已完成。可隨時<a href=\"{0}\">在此</a>變更地區或語言。",
    "已經註冊",
    "此連結的註冊已經完成，無需再次註冊。可<a href=\"{0}\">在此</a>變更地區或語言。",
    "變更地區和語言",
    "儲存",
    "已儲存",
    "地區和語言設定已儲存。",
    "停止接收",
    "要停止接收防災資訊郵件嗎？",
    "停止接收",
    "已停止接收",
    "您將不再收到防災資訊郵件。如需恢復，請重新註冊。",
    "【港區 防災資訊郵件】請確認註冊",
    "我們收到了港區防災資訊郵件的註冊申請。\n請開啟以下連結完成註冊（{0}小時內有效）：\n{1}"
    "\n\n如果您沒有註冊，請忽略此郵件，我們不會向您傳送任何郵件。\n"};

constexpr PageTexts kVi = {
    "vi",
    "Thư thông tin phòng chống thiên tai quận Minato",
    "Đăng ký nhận thư thông tin phòng chống thiên tai",
    "Quận Minato gửi thông tin phòng chống thiên tai (chỉ thị sơ tán, cảnh báo...) qua e-mail. Hãy "
    "nhập địa chỉ e-mail, chọn khu vực và ngôn ngữ. Mở đường liên kết trong thư xác nhận "
    "để hoàn tất đăng ký.",
    "E-mail",
    "Khu vực",
    "Toàn quận Minato (mọi khu vực)",
    "Tìm khu vực (tên, cách đọc hoặc romaji)",
    "Toàn bộ {}",
    "Ngôn ngữ của thư",
    "Gửi thư xác nhận",
    "Vui lòng kiểm tra thông tin đã nhập",
    "Địa chỉ e-mail không hợp lệ.",
    "Vui lòng chọn ngôn ngữ.",
    "Khu vực không hợp lệ.",
    "Đã gửi thư xác nhận",
    "Chúng tôi đã gửi thư xác nhận. Hãy mở đường liên kết trong thư trong vòng {0} giờ để hoàn tất "
    "đăng ký.",
    "Khu vực đã chọn",
    "Ngôn ngữ của thư",
    "Vui lòng chờ",
    "Chúng tôi vừa gửi thư xác nhận đến địa chỉ này. Hãy mở đường liên kết trong thư, hoặc thử lại "
    "sau.",
    "Không thể gửi thư",
    "Máy chủ thư đã từ chối địa chỉ này. Vui lòng kiểm tra lại địa chỉ.",
    "Vui lòng thử lại sau",
    "Đã xảy ra sự cố ở phía chúng tôi. Vui lòng thử lại sau vài phút.",
    "Đường liên kết không hợp lệ",
    "Đường liên kết này không hợp lệ hoặc đã hết hạn. Vui lòng đăng ký lại.",
    "Đã đăng ký xong",
    "Bạn đã đăng ký xong. Bạn có thể thay đổi khu vực hoặc ngôn ngữ <a href=\"{0}\">tại đây</a> "
    "bất cứ lúc nào.",
    "Đã đăng ký",
    "Đăng ký này đã hoàn tất: bạn không cần đăng ký lại. Bạn có thể thay đổi khu vực hoặc "
    "ngôn ngữ <a href=\"{0}\">tại đây</a>.",
    "Thay đổi khu vực hoặc ngôn ngữ",
    "Lưu",
    "Đã lưu",
    "Đã lưu khu vực và ngôn ngữ của bạn.",
    "Hủy đăng ký",
    "Bạn có muốn ngừng nhận thư thông tin phòng chống thiên tai không?",
    "Hủy đăng ký",
    "Đã hủy đăng ký",
    "Bạn sẽ không nhận thư thông tin phòng chống thiên tai nữa. Để nhận lại, hãy đăng ký lại.",
    "[Thư thông tin phòng chống thiên tai quận Minato] Vui lòng xác nhận đăng ký",
    "Chúng tôi đã nhận được yêu cầu đăng ký thư thông tin phòng chống thiên tai của quận "
    "Minato.\nHãy mở đường liên kết sau để xác nhận (có hiệu lực trong {0} giờ):\n{1}\n\n"
    "Nếu bạn không đăng ký, hãy bỏ qua thư này: chúng tôi sẽ không gửi gì cho bạn.\n"};

constexpr PageTexts kNe = {
    "ne",
    "मिनातो सिटी विपद् सूचना इमेल",
    "विपद् सूचना इमेलका लागि दर्ता",
    "मिनातो सिटीले विपद् सूचना (स्थानान्तरण निर्देशन, चेतावनी आदि) इमेलबाट पठाउँछ। आफ्नो इमेल ठेगाना "
    "लेख्नुहोस् र क्षेत्र तथा भाषा छान्नुहोस्। दर्ता पूरा गर्न पुष्टि इमेलको लिङ्क खोल्नुहोस्।",
    "इमेल",
    "क्षेत्र",
    "सम्पूर्ण मिनातो सिटी (सबै क्षेत्र)",
    "क्षेत्र खोज्नुहोस् (नाम, उच्चारण वा रोमाजी)",
    "{} सबै",
    "इमेलको भाषा",
    "पुष्टि इमेल पठाउनुहोस्",
    "कृपया आफूले भरेको विवरण जाँच्नुहोस्",
    "इमेल ठेगाना मिलेन।",
    "कृपया भाषा छान्नुहोस्।",
    "क्षेत्र मिलेन।",
    "पुष्टि इमेल पठाइयो",
    "हामीले पुष्टि इमेल पठायौं। दर्ता पूरा गर्न {0} घण्टाभित्र इमेलको लिङ्क खोल्नुहोस्।",
    "छानिएका क्षेत्र",
    "इमेलको भाषा",
    "कृपया पर्खनुहोस्",
    "हामीले भर्खरै यो ठेगानामा पुष्टि इमेल पठाएका छौं। इमेलको लिङ्क खोल्नुहोस्, वा केही समयपछि फेरि "
    "प्रयास गर्नुहोस्।",
    "इमेल पठाउन सकिएन",
    "इमेल सर्भरले यो ठेगाना स्वीकार गरेन। कृपया ठेगाना जाँच्नुहोस्।",
    "कृपया पछि फेरि प्रयास गर्नुहोस्",
    "हाम्रो तर्फबाट समस्या भयो। केही मिनेटपछि फेरि प्रयास गर्नुहोस्।",
    "यो लिङ्क मान्य छैन",
    "यो लिङ्क मान्य छैन वा यसको म्याद सकिएको छ। कृपया फेरि दर्ता गर्नुहोस्।",
    "दर्ता पूरा भयो",
    "तपाईंको दर्ता पूरा भयो। क्षेत्र वा भाषा जुनसुकै बेला <a href=\"{0}\">यहाँ</a> बदल्न सकिन्छ।",
    "पहिले नै दर्ता भइसकेको छ",
    "यो दर्ता पहिले नै पूरा भइसकेको छ: फेरि दर्ता गर्नु पर्दैन। क्षेत्र वा भाषा <a "
    "href=\"{0}\">यहाँ</a> बदल्न सकिन्छ।",
    "क्षेत्र वा भाषा बदल्नुहोस्",
    "सुरक्षित गर्नुहोस्",
    "सुरक्षित गरियो",
    "तपाईंको क्षेत्र र भाषा सुरक्षित गरियो।",
    "इमेल रोक्नुहोस्",
    "के तपाईं विपद् सूचना इमेल पाउन बन्द गर्न चाहनुहुन्छ?",
    "इमेल रोक्नुहोस्",
    "इमेल रोकियो",
    "अब तपाईंले विपद् सूचना इमेल पाउनुहुने छैन। फेरि सुरु गर्न, फेरि दर्ता गर्नुहोस्।",
    "[मिनातो सिटी विपद् सूचना इमेल] कृपया दर्ता पुष्टि गर्नुहोस्",
    "हामीले मिनातो सिटी विपद् सूचना इमेलका लागि दर्ताको अनुरोध पायौं।\nपुष्टि गर्न यो लिङ्क "
    "खोल्नुहोस् ({0} घण्टासम्म मान्य):\n{1}\n\nतपाईंले दर्ता गर्नुभएको होइन भने यो इमेल बेवास्ता "
    "गर्नुहोस्: तपाईंलाई केही पठाइने छैन।\n"};

constexpr PageTexts kPt = {
    "pt",
    "E-mail de informações sobre desastres da Cidade de Minato",
    "Cadastro no e-mail de informações sobre desastres",
    "A Cidade de Minato envia informações sobre desastres (ordens de evacuação, alertas etc.) por "
    "e-mail. Informe seu endereço e escolha suas áreas e o idioma. Abra o link do e-mail de "
    "confirmação para concluir o cadastro.",
    "E-mail",
    "Áreas",
    "Toda a Cidade de Minato (todas as áreas)",
    "Procurar área (nome, leitura ou romaji)",
    "Todas as áreas de {}",
    "Idioma dos e-mails",
    "Enviar e-mail de confirmação",
    "Verifique os dados informados",
    "Endereço de e-mail inválido.",
    "Escolha um idioma.",
    "Área desconhecida.",
    "E-mail de confirmação enviado",
    "Enviamos um e-mail de confirmação. Abra o link dele em até {0} horas para concluir o "
    "cadastro.",
    "Suas áreas",
    "Idioma dos e-mails",
    "Aguarde um pouco",
    "Acabamos de enviar um e-mail de confirmação para este endereço. Abra o link dele ou tente "
    "novamente mais tarde.",
    "Não foi possível enviar o e-mail",
    "O servidor de e-mail recusou este endereço. Verifique-o.",
    "Tente novamente mais tarde",
    "Ocorreu um problema do nosso lado. Tente novamente em alguns minutos.",
    "Este link não é válido",
    "Este link não é válido ou expirou. Faça o cadastro novamente.",
    "Cadastro concluído",
    "Seu cadastro foi concluído. Você pode mudar suas áreas ou o idioma <a href=\"{0}\">aqui</a> a "
    "qualquer momento.",
    "Já cadastrado",
    "Este cadastro já foi concluído: não é preciso se cadastrar de novo. Você pode mudar "
    "suas áreas ou o idioma <a href=\"{0}\">aqui</a>.",
    "Mudar áreas ou idioma",
    "Salvar",
    "Salvo",
    "Suas áreas e seu idioma foram salvos.",
    "Cancelar inscrição",
    "Deseja deixar de receber o e-mail de informações sobre desastres?",
    "Cancelar inscrição",
    "Inscrição cancelada",
    "Você não receberá mais o e-mail de informações sobre desastres. Para voltar a receber, "
    "cadastre-se novamente.",
    "[E-mail de informações sobre desastres da Cidade de Minato] Confirme seu cadastro",
    "Recebemos um cadastro no e-mail de informações sobre desastres da Cidade de Minato.\nAbra "
    "este link para confirmá-lo (válido por {0} horas):\n{1}\n\n"
    "Se você não fez este cadastro, ignore este e-mail: nada será enviado a você.\n"};

// Every language of language_choices(), each with all its texts (page_texts() lets the
// tests check that none is missing or empty).
constexpr std::array<const PageTexts*, 9> kAllTexts = {&kJa, &kEasy, &kEn, &kZhHans, &kZhHant,
                                                       &kKo, &kVi,   &kNe, &kPt};

// Page languages are one of language_choices() (page_language_of), and so is every stored
// subscriber's (checked on every way in); anything else reads Japanese, like the form.
const PageTexts& texts_for(std::string_view lang) {
    for (const PageTexts* t : kAllTexts)
        if (t->lang == lang) return *t;
    return kJa;
}

// The fields by name, in the struct's order, for page_texts().
struct NamedField {
    std::string_view name;
    std::string_view PageTexts::*text;
};
constexpr NamedField kFields[] = {
    {"site", &PageTexts::site},
    {"form_title", &PageTexts::form_title},
    {"form_intro", &PageTexts::form_intro},
    {"email_label", &PageTexts::email_label},
    {"areas_legend", &PageTexts::areas_legend},
    {"whole_ward", &PageTexts::whole_ward},
    {"search_label", &PageTexts::search_label},
    {"district_all", &PageTexts::district_all},
    {"language_legend", &PageTexts::language_legend},
    {"send_button", &PageTexts::send_button},
    {"check_title", &PageTexts::check_title},
    {"bad_address", &PageTexts::bad_address},
    {"bad_language", &PageTexts::bad_language},
    {"bad_area", &PageTexts::bad_area},
    {"sent_title", &PageTexts::sent_title},
    {"sent_body", &PageTexts::sent_body},
    {"chosen_areas", &PageTexts::chosen_areas},
    {"chosen_language", &PageTexts::chosen_language},
    {"wait_title", &PageTexts::wait_title},
    {"wait_body", &PageTexts::wait_body},
    {"refused_title", &PageTexts::refused_title},
    {"refused_body", &PageTexts::refused_body},
    {"unavailable_title", &PageTexts::unavailable_title},
    {"unavailable_body", &PageTexts::unavailable_body},
    {"bad_link_title", &PageTexts::bad_link_title},
    {"bad_link_body", &PageTexts::bad_link_body},
    {"registered_title", &PageTexts::registered_title},
    {"registered_body", &PageTexts::registered_body},
    {"already_title", &PageTexts::already_title},
    {"already_body", &PageTexts::already_body},
    {"prefs_title", &PageTexts::prefs_title},
    {"save_button", &PageTexts::save_button},
    {"saved_title", &PageTexts::saved_title},
    {"saved_body", &PageTexts::saved_body},
    {"unsub_title", &PageTexts::unsub_title},
    {"unsub_question", &PageTexts::unsub_question},
    {"unsub_button", &PageTexts::unsub_button},
    {"unsubbed_title", &PageTexts::unsubbed_title},
    {"unsubbed_body", &PageTexts::unsubbed_body},
    {"mail_subject", &PageTexts::mail_subject},
    {"mail_body", &PageTexts::mail_body},
};
static_assert(std::size(kFields) + 1 == sizeof(PageTexts) / sizeof(std::string_view),
              "kFields lists every text of PageTexts");

// The district's name in the page's language (the 地区 of config/minato_town_blocks.tsv).
std::string district_name(std::string_view district, std::string_view lang) {
    static const std::map<std::string, std::pair<std::string, std::string>, std::less<>> kNames = {
        {"芝", {"Shiba", "しば"}},
        {"麻布", {"Azabu", "あざぶ"}},
        {"赤坂", {"Akasaka", "あかさか"}},
        {"高輪", {"Takanawa", "たかなわ"}},
        {"芝浦港南", {"Shibaura-Konan", "しばうら・こうなん"}},
        {"台場", {"Daiba", "だいば"}}};
    auto it = kNames.find(district);
    if (it == kNames.end()) return std::string(district);
    if (lang == "ja" || lang == "zh-Hans" || lang == "zh-Hant") return std::string(district);
    if (lang == "ja-x-easy") return std::string(district) + "（" + it->second.second + "）";
    return it->second.first + " (" + std::string(district) + ")";
}

// Where a district comes in the ward's own order; unknown ones after, as the file has them.
std::size_t district_rank(std::string_view district) {
    static constexpr std::array<std::string_view, 6> kOrder = {"芝",   "麻布",     "赤坂",
                                                               "高輪", "芝浦港南", "台場"};
    return static_cast<std::size_t>(std::find(kOrder.begin(), kOrder.end(), district) -
                                    kOrder.begin());
}

// A block as the page's language shows it: Japanese, with its reading or romaji where the
// reader needs one (the name on street signs stays visible).
std::string block_label(const TownBlock& b, std::string_view lang) {
    if (lang == "ja" || lang == "zh-Hans" || lang == "zh-Hant" || b.romaji.empty()) return b.name;
    if (lang == "ja-x-easy") return b.kana.empty() ? b.name : b.name + "（" + b.kana + "）";
    return b.romaji + " (" + b.name + ")";
}

// Links to the form in every language, the current one marked.
std::string language_bar(std::string_view current, std::string_view target) {
    std::string out = "<nav class=\"langs\" aria-label=\"Language\">";
    for (const auto& c : language_choices()) {
        if (c.tag == current)
            out += fmt::format("<strong lang=\"{}\">{}</strong> ", c.tag, html_escape(c.name));
        else if (!target.empty())
            out += fmt::format("<a lang=\"{0}\" hreflang=\"{0}\" href=\"{1}lang={0}\">{2}</a> ",
                               c.tag, html_escape(target), html_escape(c.name));
    }
    return out + "</nav>\n";
}

// One page in the resident's language; Japanese readers of another language's page still
// find the site's name in Japanese. `switch_to`: the URL (ending in ? or &) the language
// links lead to, "" for none (pages behind a single-use link).
WebPage page(int status, const PageTexts& t, std::string_view title, std::string_view body,
             std::string_view switch_to = "") {
    WebPage p;
    p.status = status;
    p.html = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"{0}\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>{1} – {2}</title>"
        "<style>body{{font-family:'Noto Sans CJK JP','Noto Sans',sans-serif;max-width:46em;"
        "margin:0 auto;padding:0 1em 2em;line-height:1.6;color:#111}}"
        "header{{border-bottom:4px solid #0b5fa5;margin-bottom:1em}}"
        ".site{{margin:.6em 0 0;color:#0b5fa5;font-weight:bold}}"
        ".langs{{font-size:.95em;margin:.4em 0}}.langs a,.langs strong{{margin-right:.7em}}"
        "fieldset{{margin:1em 0;border:1px solid #bbb;border-radius:6px}}"
        "details{{border-top:1px solid #ddd;padding:.3em 0}}summary{{font-weight:bold;"
        "cursor:pointer;padding:.3em 0}}label{{display:inline-block;margin:.15em 1em .15em 0}}"
        "[hidden]{{display:none !important}}"
        ".town{{margin:.3em 0 .3em 1em}}.town b{{display:inline-block;min-width:6em}}"
        "input[type=email],input[type=search]{{font-size:1.1em;padding:.3em;width:100%;"
        "max-width:26em;box-sizing:border-box}}"
        "button{{font-size:1.1em;padding:.5em 1.4em;background:#0b5fa5;color:#fff;border:0;"
        "border-radius:4px}}.chosen{{background:#eef5fb;border-left:6px solid #0b5fa5;"
        "padding:.5em 1em}}.error{{color:#a40000;font-weight:bold}}</style></head>\n"
        "<body><header><p class=\"site\">{1}{3}</p>{4}</header>\n<h1>{2}</h1>\n{5}\n"
        "{6}</body></html>\n",
        t.lang, html_escape(t.site), html_escape(title),
        t.lang == "ja" ? "" : " <span lang=\"ja\">（港区 防災情報メール）</span>",
        switch_to.empty() ? std::string() : language_bar(t.lang, switch_to), body,
        switch_to.empty() ? "" : "<script src=\"/mail/areas.js\"></script>\n");
    return p;
}

std::string para(std::string_view text) {
    return fmt::format("<p>{}</p>\n", text);
}

WebPage bad_link(const PageTexts& t) {
    return page(404, t, t.bad_link_title, para(html_escape(t.bad_link_body)));
}

WebPage unavailable(const PageTexts& t) {
    return page(503, t, t.unavailable_title, para(html_escape(t.unavailable_body)));
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> page_texts(std::string_view language) {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (const PageTexts* t : kAllTexts)
        if (t->lang == language)
            for (const auto& f : kFields) out.emplace_back(f.name, t->*f.text);
    return out;
}

const std::vector<LanguageChoice>& language_choices() {
    static const std::vector<LanguageChoice> kChoices = {
        {"ja", "日本語"},        {"ja-x-easy", "やさしい日本語"},
        {"en", "English"},       {"zh-Hans", "简体中文"},
        {"zh-Hant", "繁體中文"}, {"ko", "한국어"},
        {"vi", "Tiếng Việt"},    {"ne", "नेपाली"},
        {"pt", "Português"}};
    return kChoices;
}

Registration::Registration(WebSettings web, std::string from_address, std::string from_name,
                           SubscriberStore& store, SmtpClient& smtp, const TownBlocks& towns,
                           MailLinks links, const Clock& clock)
    : web_(std::move(web)),
      from_address_(std::move(from_address)),
      from_name_(std::move(from_name)),
      store_(store),
      smtp_(smtp),
      towns_(towns),
      links_(std::move(links)),
      clock_(clock),
      log_(get_logger("mail")) {}

std::string Registration::invalid_choice(std::vector<std::string>& areas,
                                         const std::string& language,
                                         const std::string& page_language) const {
    const PageTexts& t = texts_for(page_language);
    auto& langs = language_choices();
    if (std::none_of(langs.begin(), langs.end(),
                     [&](const LanguageChoice& c) { return c.tag == language; }))
        return std::string(t.bad_language);
    if (std::find(areas.begin(), areas.end(), "all") != areas.end()) {
        areas.clear();
        return {};
    }
    // A district's box stands for all its blocks (the form works without script).
    std::vector<std::string> codes;
    for (auto& a : areas) {
        if (a.starts_with("district:")) {
            const std::string district = a.substr(9);
            bool any = false;
            for (const auto& b : towns_.all())
                if (b.district == district) {
                    codes.push_back(b.code);
                    any = true;
                }
            if (!any) return std::string(t.bad_area);
            continue;
        }
        if (!towns_.find(a)) return std::string(t.bad_area);
        codes.push_back(a);
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    areas = std::move(codes);
    return {};
}

std::string Registration::choice_fields(const std::vector<std::string>& areas,
                                        const std::string& language,
                                        const std::string& page_language,
                                        bool whole_ward_checked) const {
    const PageTexts& t = texts_for(page_language);
    auto checked = [&](std::string_view code) {
        return std::find(areas.begin(), areas.end(), code) != areas.end();
    };
    std::string out = fmt::format("<fieldset><legend>{}</legend>\n", html_escape(t.areas_legend));
    out += fmt::format(
        "<p><label><input type=\"checkbox\" name=\"areas\" value=\"all\"{}> {}</label></p>\n",
        whole_ward_checked ? " checked" : "", html_escape(t.whole_ward));
    // Shown by areas.js; without script the districts open by hand.
    out += fmt::format(
        "<p class=\"search\" hidden><label>{} <input type=\"search\" id=\"area-search\" "
        "autocomplete=\"off\"></label></p>\n",
        html_escape(t.search_label));
    auto districts = towns_.districts();
    if (districts.empty()) districts.push_back("");
    // The ward's order of its districts (the 総合支所), whatever the file's row order.
    std::stable_sort(districts.begin(), districts.end(), [](const auto& x, const auto& y) {
        return district_rank(x) < district_rank(y);
    });
    for (const auto& district : districts) {
        std::string group;
        bool open = false;
        for (const auto& town : towns_.towns()) {
            // A town may span districts (三田一～三丁目 芝, 四・五丁目 高輪).
            std::vector<const TownBlock*> blocks;
            for (const auto* b : towns_.blocks_of(town))
                if (b->district == district) blocks.push_back(b);
            if (blocks.empty()) continue;
            group += "<div class=\"town\"><b>" + html_escape(town) + "</b> ";
            for (const auto* b : blocks) {
                open |= checked(b->code);
                group += fmt::format(
                    "<label data-search=\"{} {} {} {}\"><input type=\"checkbox\" name=\"areas\" "
                    "value=\"{}\"{}> {}</label>",
                    html_escape(b->name), html_escape(b->kana), html_escape(b->romaji),
                    html_escape(district), html_escape(b->code), checked(b->code) ? " checked" : "",
                    html_escape(block_label(*b, page_language)));
            }
            group += "</div>\n";
        }
        out += fmt::format("<details class=\"district\"{}><summary>{}</summary>\n",
                           open ? " open" : "",
                           html_escape(district.empty() ? std::string(t.areas_legend)
                                                        : district_name(district, page_language)));
        if (!district.empty())
            out += fmt::format(
                "<p><label><input type=\"checkbox\" name=\"areas\" value=\"district:{}\"> "
                "{}</label></p>\n",
                html_escape(district),
                html_escape(fmt::format(fmt::runtime(t.district_all),
                                        district_name(district, page_language))));
        out += group + "</details>\n";
    }
    out +=
        fmt::format("</fieldset>\n<fieldset><legend>{}</legend>\n", html_escape(t.language_legend));
    for (auto& c : language_choices())
        out += fmt::format(
            "<label lang=\"{0}\"><input type=\"radio\" name=\"language\" value=\"{0}\"{1}> "
            "{2}</label>\n",
            c.tag, c.tag == language ? " checked" : "", html_escape(c.name));
    return out + "</fieldset>\n";
}

std::string Registration::chosen_summary(const std::vector<std::string>& areas,
                                         const std::string& language,
                                         const std::string& page_language) const {
    const PageTexts& t = texts_for(page_language);
    std::string shown;
    if (areas.empty()) shown = html_escape(t.whole_ward);
    for (const auto& code : areas) {
        const TownBlock* b = towns_.find(code);
        const bool cjk = page_language == "ja" || page_language == "ja-x-easy" ||
                         page_language.starts_with("zh");
        shown += (shown.empty() ? ""
                  : cjk         ? "、"
                                : ", ") +
                 html_escape(b ? block_label(*b, page_language) : code);
    }
    std::string language_name = language;
    for (const auto& c : language_choices())
        if (c.tag == language) language_name = c.name;
    return fmt::format(
        "<div class=\"chosen\"><p><b>{}</b>: <span id=\"chosen-areas\">{}</span></p>"
        "<p><b>{}</b>: <span id=\"chosen-language\">{}</span></p></div>\n",
        html_escape(t.chosen_areas), shown, html_escape(t.chosen_language),
        html_escape(language_name));
}

std::string Registration::page_language_of(const std::string& requested) {
    auto& langs = language_choices();
    return std::any_of(langs.begin(), langs.end(),
                       [&](const LanguageChoice& c) { return c.tag == requested; })
               ? requested
               : std::string("ja");
}

WebPage Registration::form(const std::string& page_language_in) {
    std::lock_guard lock(mu_);
    const std::string lang = page_language_of(page_language_in);
    const PageTexts& t = texts_for(lang);
    auto body = para(html_escape(t.form_intro));
    body += fmt::format(
        "<form method=\"post\" action=\"register\">\n<input type=\"hidden\" name=\"ui\" "
        "value=\"{}\">\n<p><label>{} <input type=\"email\" name=\"email\" required "
        "maxlength=\"254\" autocomplete=\"email\"></label></p>\n",
        html_escape(lang), html_escape(t.email_label));
    body += choice_fields({}, lang, lang, false);
    body += fmt::format("<p><button type=\"submit\">{}</button></p></form>",
                        html_escape(t.send_button));
    return page(200, t, t.form_title, body, "/mail/?");
}

WebPage Registration::register_address(const std::string& email_in,
                                       const std::vector<std::string>& areas_in,
                                       const std::string& language,
                                       const std::string& page_language_in) {
    std::lock_guard lock(mu_);
    const std::string ui = page_language_of(page_language_in.empty() ? language : page_language_in);
    const PageTexts& t = texts_for(ui);
    auto email = email_in;
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back())))
        email.pop_back();
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front())))
        email.erase(0, 1);
    auto areas = areas_in;
    std::string problem =
        plausible_address(email) ? invalid_choice(areas, language, ui) : std::string(t.bad_address);
    if (!problem.empty())
        return page(400, t, t.check_title,
                    "<p class=\"error\">" + html_escape(problem) + "</p>\n" +
                        fmt::format("<p><a href=\"/mail/?lang={0}\">{1}</a></p>", html_escape(ui),
                                    html_escape(t.form_title)));

    auto now = clock_.now();
    auto allowed = store_.allow_registration_mail(sha256_hex(lower(email)), now - web_.rate_window,
                                                  now, web_.max_mails_per_address);
    if (!allowed) {
        log_->error("registration: {}", allowed.error().message);
        return unavailable(t);
    }
    if (!*allowed) {
        log_->warn("registration: confirmation mails to one address over the limit ({} per {} h)",
                   web_.max_mails_per_address, web_.rate_window.count());
        return page(429, t, t.wait_title, para(html_escape(t.wait_body)));
    }

    // Registrations left unconfirmed past their link's lifetime go first: the same address
    // may be registering again, and nobody keeps an address we cannot use.
    if (auto gone = store_.forget_unconfirmed(now); !gone)
        log_->warn("registration: cannot forget unconfirmed registrations: {}",
                   gone.error().message);
    else if (*gone > 0)
        log_->info("registration: {} unconfirmed registration(s) expired", *gone);

    Subscriber s;
    s.email = email;
    s.areas = areas;
    s.language = language;
    s.state = SubscriberState::kPending;
    auto id = store_.add(s, now);
    if (!id) {
        log_->error("registration: {}", id.error().message);
        return unavailable(t);
    }
    auto token = random_token_hex();
    if (auto st = store_.add_confirmation(sha256_hex(token), {*id, areas, language},
                                          now + web_.confirm_ttl);
        !st) {
        log_->error("registration: {}", st.error().message);
        return unavailable(t);
    }

    // The mail in the language chosen for the mails, and in Japanese when that is another.
    auto link = links_.confirm_url(token);
    auto hours = web_.confirm_ttl.count();
    const PageTexts& m = texts_for(language);
    std::string text = fmt::format(fmt::runtime(m.mail_body), hours, link);
    if (m.lang != "ja") text = fmt::format(fmt::runtime(kJa.mail_body), hours, link) + "\n" + text;
    MailEnvelopeHeaders h;
    h.from_address = from_address_;
    h.from_name = from_name_;
    h.to_address = email;
    h.subject = m.lang == "ja"
                    ? std::string(kJa.mail_subject)
                    : std::string(m.mail_subject) + " / " + std::string(kJa.mail_subject);
    h.date = format_rfc5322_date(now);
    h.message_id = make_message_id("confirm-" + token.substr(0, 16), 0, from_address_);
    auto reply =
        smtp_.send({from_address_, {email}, compose_mail(h, text, text_to_html(text, m.lang))});
    if (!reply || reply->code >= 400 || !reply->rejected.empty()) {
        log_->warn("registration: confirmation mail to subscriber #{} not sent: {}", *id,
                   reply ? reply->text : reply.error().message);
        if (reply && reply->code >= 500)
            return page(400, t, t.refused_title, para(html_escape(t.refused_body)));
        return unavailable(t);
    }
    log_->info("registration: confirmation mail sent to subscriber #{}", *id);
    return page(200, t, t.sent_title,
                para(html_escape(fmt::format(fmt::runtime(t.sent_body), hours))) +
                    chosen_summary(areas, language, ui));
}

WebPage Registration::confirm(const std::string& token) {
    std::lock_guard lock(mu_);
    if (token.empty() || token.size() > 128) return bad_link(kJa);
    const auto now = clock_.now();
    auto c = store_.take_confirmation(sha256_hex(token), now);
    if (!c) {
        log_->error("confirm: {}", c.error().message);
        return unavailable(kJa);
    }
    if (!*c) {
        // Opened again (a mail program's preview, a second click): already done, say so.
        auto used = store_.used_confirmation(sha256_hex(token), now);
        if (!used) return unavailable(kJa);
        if (!*used) return bad_link(kJa);
        auto s = store_.find(**used);
        if (!s) return unavailable(kJa);
        if (!*s || (*s)->state != SubscriberState::kActive) return bad_link(kJa);
        const PageTexts& t = texts_for((*s)->language);
        auto link = html_escape(links_.preferences_url((*s)->id));
        return page(200, t, t.already_title,
                    para(fmt::format(fmt::runtime(t.already_body), link)) +
                        chosen_summary((*s)->areas, (*s)->language, (*s)->language));
    }
    auto s = store_.find((*c)->subscriber_id);
    if (!s || !*s) return s ? bad_link(kJa) : unavailable(kJa);
    auto& sub = **s;
    sub.areas = (*c)->areas;
    sub.language = (*c)->language;
    sub.state = SubscriberState::kActive;
    sub.confirmed = now;
    sub.hard_bounces = 0;
    const PageTexts& t = texts_for(sub.language);
    if (auto st = store_.update(sub); !st) {
        log_->error("confirm: {}", st.error().message);
        return unavailable(t);
    }
    log_->info("subscriber #{} confirmed ({} area(s), {})", sub.id, sub.areas.size(), sub.language);
    auto link = html_escape(links_.preferences_url(sub.id));
    return page(200, t, t.registered_title,
                para(fmt::format(fmt::runtime(t.registered_body), link)) +
                    chosen_summary(sub.areas, sub.language, sub.language));
}

WebPage Registration::preferences_form(const std::string& token) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link(kJa);
    auto s = store_.find(*id);
    if (!s) return unavailable(kJa);
    if (!*s) return bad_link(kJa);
    const std::string lang = page_language_of((*s)->language);
    const PageTexts& t = texts_for(lang);
    auto body =
        fmt::format("<form method=\"post\" action=\"preferences?t={}\">\n", html_escape(token));
    body += choice_fields((*s)->areas, (*s)->language, lang, (*s)->areas.empty());
    body += fmt::format("<p><button type=\"submit\">{}</button></p></form>",
                        html_escape(t.save_button));
    return page(200, t, t.prefs_title, chosen_summary((*s)->areas, (*s)->language, lang) + body);
}

WebPage Registration::save_preferences(const std::string& token,
                                       const std::vector<std::string>& areas_in,
                                       const std::string& language) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link(kJa);
    const std::string lang = page_language_of(language);
    const PageTexts& t = texts_for(lang);
    auto areas = areas_in;
    if (auto problem = invalid_choice(areas, language, lang); !problem.empty())
        return page(400, t, t.check_title, "<p class=\"error\">" + html_escape(problem) + "</p>");
    auto s = store_.find(*id);
    if (!s) return unavailable(t);
    if (!*s) return bad_link(t);
    (*s)->areas = areas;
    (*s)->language = language;
    if (auto st = store_.update(**s); !st) return unavailable(t);
    log_->info("subscriber #{} changed preferences ({} area(s), {})", *id, areas.size(), language);
    return page(200, t, t.saved_title,
                para(html_escape(t.saved_body)) + chosen_summary(areas, language, lang));
}

WebPage Registration::unsubscribe_form(const std::string& token) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link(kJa);
    auto s = store_.find(*id);
    const PageTexts& t = texts_for(s && *s ? (*s)->language : std::string("ja"));
    // GET never unsubscribes: mail scanners open links; only the button (or a one-click
    // POST from the mail program) does.
    auto body = para(html_escape(t.unsub_question));
    body += fmt::format(
        "<form method=\"post\" action=\"unsubscribe?t={}\"><p><button type=\"submit\" "
        "name=\"confirm\" value=\"yes\">{}</button></p></form>",
        html_escape(token), html_escape(t.unsub_button));
    return page(200, t, t.unsub_title, body);
}

WebPage Registration::unsubscribe(const std::string& token) {
    std::lock_guard lock(mu_);
    auto id = links_.verify(token);
    if (!id) return bad_link(kJa);
    auto s = store_.find(*id);
    if (!s) return unavailable(kJa);
    if (!*s) return bad_link(kJa);
    const PageTexts& t = texts_for((*s)->language);
    if ((*s)->state != SubscriberState::kUnsubscribed) {
        (*s)->state = SubscriberState::kUnsubscribed;
        if (auto st = store_.update(**s); !st) return unavailable(t);
        log_->info("subscriber #{} unsubscribed", *id);
    }
    return page(
        200, t, t.unsubbed_title,
        para(html_escape(t.unsubbed_body)) +
            fmt::format("<p><a href=\"{0}\">{0}</a></p>", html_escape(links_.register_url())));
}

const std::string& areas_script() {
    static const std::string kScript =
        R"js(// Resident pages: find an area as you type (the page works without this script).
(function () {
  'use strict';
  var box = document.getElementById('area-search');
  if (!box) return;
  box.closest('.search').hidden = false;
  var norm = function (s) {
    return s.normalize('NFKC').toLowerCase().replace(/[\s\-ー・()（）]/g, '');
  };
  box.addEventListener('input', function () {
    var q = norm(box.value);
    document.querySelectorAll('details.district').forEach(function (d) {
      var any = false;
      d.querySelectorAll('label[data-search]').forEach(function (l) {
        var hit = !q || norm(l.dataset.search).indexOf(q) >= 0;
        l.hidden = !hit;
        any = any || hit;
      });
      d.hidden = !any;
      d.open = q !== '' && any;
    });
  });
  // A district's box checks its blocks; a block unchecks "all of the ward".
  var all = document.querySelector('input[name=areas][value=all]');
  document.querySelectorAll('input[name=areas]').forEach(function (b) {
    b.addEventListener('change', function () {
      if (b.value.indexOf('district:') === 0) {
        b.closest('details').querySelectorAll('input[name=areas]').forEach(function (x) {
          x.checked = b.checked;
        });
      }
      if (b !== all && b.checked && all) all.checked = false;
    });
  });
})();
)js";
    return kScript;
}

}  // namespace alerthub::mail
