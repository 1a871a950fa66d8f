/** Realistic names for demo and benchmark data: senders, subjects, signers of incoming documents. */

export interface Sender {
  name: string;
  /** Abbreviation used in the sender's notations (e.g. 123/QĐ-UBND). */
  abbr: string;
}

export const SENDERS: Sender[] = [
  { name: 'UBND tỉnh Hà Tĩnh', abbr: 'UBND' },
  { name: 'Văn phòng UBND tỉnh Hà Tĩnh', abbr: 'VP' },
  { name: 'Sở Tài chính tỉnh Hà Tĩnh', abbr: 'STC' },
  { name: 'Sở Kế hoạch và Đầu tư tỉnh Hà Tĩnh', abbr: 'SKHĐT' },
  { name: 'Sở Nội vụ tỉnh Hà Tĩnh', abbr: 'SNV' },
  { name: 'Sở Tài nguyên và Môi trường tỉnh Hà Tĩnh', abbr: 'STNMT' },
  { name: 'Sở Giáo dục và Đào tạo tỉnh Hà Tĩnh', abbr: 'SGDĐT' },
  { name: 'Sở Y tế tỉnh Hà Tĩnh', abbr: 'SYT' },
  { name: 'Sở Xây dựng tỉnh Hà Tĩnh', abbr: 'SXD' },
  { name: 'Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Tĩnh', abbr: 'SNN' },
  { name: 'Công an tỉnh Hà Tĩnh', abbr: 'CAT' },
  { name: 'Bộ Chỉ huy Quân sự tỉnh Hà Tĩnh', abbr: 'BCH' },
  { name: 'Kho bạc Nhà nước Hà Tĩnh', abbr: 'KBNN' },
  { name: 'Thanh tra tỉnh Hà Tĩnh', abbr: 'TTr' },
  { name: 'Huyện ủy Demo', abbr: 'HU' },
  { name: 'HĐND huyện Demo', abbr: 'HĐND' },
  { name: 'UBND xã Thạch Long', abbr: 'UBND' },
  { name: 'UBND xã Thạch Sơn', abbr: 'UBND' },
  { name: 'UBND thị trấn Demo', abbr: 'UBND' },
  { name: 'Bảo hiểm xã hội huyện Demo', abbr: 'BHXH' },
];

export interface SubjectTemplate {
  type: string;
  title: string;
  subject: string;
}

/** Subjects by document type (codes from src/documents/document-types.ts). */
export const SUBJECTS: SubjectTemplate[] = [
  {
    type: 'QĐ',
    title: 'Quyết định',
    subject: 'Về việc giao dự toán thu, chi ngân sách nhà nước năm 2026',
  },
  {
    type: 'QĐ',
    title: 'Quyết định',
    subject: 'Về việc phê duyệt kế hoạch lựa chọn nhà thầu công trình đường giao thông liên xã',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v báo cáo tình hình thực hiện kế hoạch đầu tư công 9 tháng đầu năm',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v tăng cường công tác phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v rà soát, cập nhật danh sách hộ nghèo, hộ cận nghèo năm 2026',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v triển khai thực hiện cải cách thủ tục hành chính và chuyển đổi số',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v góp ý dự thảo Quy chế làm việc của UBND tỉnh nhiệm kỳ 2026-2031',
  },
  {
    type: 'KH',
    title: 'Kế hoạch',
    subject: 'Kế hoạch tổ chức kỳ thi tuyển sinh vào lớp 10 năm học 2026-2027',
  },
  {
    type: 'KH',
    title: 'Kế hoạch',
    subject: 'Kế hoạch kiểm tra công tác quản lý đất đai, tài nguyên khoáng sản năm 2026',
  },
  {
    type: 'TB',
    title: 'Thông báo',
    subject: 'Thông báo kết luận của Chủ tịch UBND tỉnh tại buổi làm việc với huyện',
  },
  {
    type: 'TB',
    title: 'Thông báo',
    subject: 'Thông báo lịch tiếp công dân định kỳ tháng 12 năm 2026',
  },
  {
    type: 'GM',
    title: 'Giấy mời',
    subject: 'Giấy mời dự hội nghị tổng kết công tác y tế dự phòng năm 2026',
  },
  {
    type: 'GM',
    title: 'Giấy mời',
    subject: 'Giấy mời họp bàn phương án giải phóng mặt bằng dự án khu dân cư',
  },
  {
    type: 'BC',
    title: 'Báo cáo',
    subject: 'Báo cáo kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo quý III',
  },
  {
    type: 'HD',
    title: 'Hướng dẫn',
    subject: 'Hướng dẫn đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2026',
  },
  {
    type: 'CT',
    title: 'Chỉ thị',
    subject: 'Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính trong cơ quan nhà nước',
  },
  {
    type: 'TTr',
    title: 'Tờ trình',
    subject: 'Tờ trình đề nghị phê duyệt điều chỉnh quy hoạch sử dụng đất đến năm 2030',
  },
  {
    type: 'CĐ',
    title: 'Công điện',
    subject: 'Công điện về việc chủ động ứng phó với bão số 6 và mưa lũ',
  },
  {
    type: 'NQ',
    title: 'Nghị quyết',
    subject: 'Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2027',
  },
  {
    type: 'CV',
    title: 'Công văn',
    subject: 'V/v cung cấp hồ sơ thanh tra việc quản lý, sử dụng quỹ đất công ích',
  },
];

export const SIGNERS = [
  'Nguyễn Văn Thành',
  'Trần Thị Hương',
  'Lê Đình Sơn',
  'Phạm Quang Vinh',
  'Hoàng Thị Minh Thu',
  'Võ Trọng Hải',
  'Đặng Quốc Bảo',
  'Bùi Thị Lệ',
];

/** A tiny deterministic pseudo-random generator (the same data on every run). */
export function seededRandom(seed = 20261121): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}
