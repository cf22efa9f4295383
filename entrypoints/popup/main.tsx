import { mountPage } from '../../components/mount';
import { Popup } from '../../components/popup/Popup';
import '../../components/theme.css';
import './style.css';

mountPage(<Popup />);
